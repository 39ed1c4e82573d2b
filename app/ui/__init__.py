"""The chat app (``menbe serve``). Importing this package first switches off anything that would
reach outside the machine, before Gradio or the Hugging Face libraries read their settings."""

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
