"""Mənbə's benchmarks: speed, memory and how cost grows, beside the usual alternative.

``python -m benchmarks.run [--quick] [--device auto|cpu|cuda]`` prints one table (each figure
beside its target) and writes ``benchmarks/results/<date>[-quick].json``. One module per section:

- ``query``: the warm query path (retrieval, answer composition, whole ``Answerer.ask``);
- ``baseline``: the tutorial LangChain pipeline (1000/200 chunks, Chroma, same model), same run;
- ``indexing``: full and incremental builds (``app.indexer.build_index``);
- ``scale``: dense + lexical + fusion at 10k / 100k / 1M synthetic passages (``scaleworker``);
- ``startup``: process start to first answer, CLI and served app, peak RSS;
- ``gpu``: embedding throughput on CUDA when there is one;
- ``backends``: torch vs ONNX fp32 vs ONNX int8 side by side (query p50, chunks/s, cosine to
  torch, dev hit@1/hit@5, ``menbe ask`` start and RSS);
- ``load``: N concurrent users × M questions against ``menbe serve``'s ``/ask`` (throughput,
  p50/p95/max, errors, server RSS).

Nothing here is imported by ``app``; timings are never asserted by tests.
"""
