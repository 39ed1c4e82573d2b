// Mənbə: a citation marker such as [1] in an answer links to "#src-<turn>-<n>"; clicking it opens
// that source card in the sources panel (and any folded section around it) and scrolls to it.
// Nothing here reads or writes user or corpus text: the server escapes all of it.
(() => {
  const openSource = (id) => {
    const card = document.getElementById(id);
    if (!card) return false;
    for (let node = card; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    // The card's head first, then (if the paragraph is long) just far enough to show the quote.
    card.scrollIntoView({ block: "nearest" });
    const quote = card.querySelector(".menbe-body > .menbe-para mark");
    if (quote) quote.scrollIntoView({ block: "nearest" });
    card.classList.remove("menbe-flash");
    void card.offsetWidth; // restart the highlight animation
    card.classList.add("menbe-flash");
    return true;
  };
  document.addEventListener(
    "click",
    (event) => {
      const link = event.target.closest && event.target.closest('a[href^="#src-"]');
      if (!link) return;
      event.preventDefault();
      event.stopPropagation();
      openSource(decodeURIComponent(link.getAttribute("href").slice(1)));
    },
    true,
  );
  // Opening "Show original" scrolls just enough to show the aligned sentence it marks.
  document.addEventListener(
    "toggle",
    (event) => {
      const box = event.target;
      if (!box.open || !box.classList || !box.classList.contains("menbe-orig")) return;
      const mark = box.querySelector("mark");
      if (mark) mark.scrollIntoView({ block: "nearest" });
    },
    true,
  );
  window.menbeOpenSource = openSource;
})();
