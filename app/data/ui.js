// Mənbə: a citation marker such as [1] in an answer links to "#src-<turn>-<n>"; clicking it opens
// that source card in the sources panel (and any folded section around it) and scrolls to it.
(() => {
  const openSource = (id) => {
    const card = document.getElementById(id);
    if (!card) return false;
    for (let node = card; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    card.scrollIntoView({ behavior: "smooth", block: "start" });
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
  window.menbeOpenSource = openSource;
})();
