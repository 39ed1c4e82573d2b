// Mənbə: a citation marker such as [1] in an answer links to "#src-<turn>-<n>"; clicking it opens
// that source card in the sources panel (and any folded section around it) and scrolls to it.
// Nothing here reads or writes user or corpus text: the server escapes all of it.
(() => {
  // Whether an element is wholly inside the window and the sources panel's own scroll box
  // (the panel scrolls by itself on wide screens; on a phone only the page scrolls).
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const panel = document.getElementById("menbe-sources");
    const clip = panel ? panel.getBoundingClientRect() : { top: 0, bottom: window.innerHeight };
    const top = Math.max(0, clip.top);
    const bottom = Math.min(window.innerHeight, clip.bottom);
    return box.top >= top && box.bottom <= bottom;
  };
  const openSource = (id) => {
    const card = document.getElementById(id);
    if (!card) return false;
    for (let node = card; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    // The whole card when it fits (moving the page as little as possible); a card taller
    // than the window starts at its head, and then the quoted sentence is centred.
    const fits = card.getBoundingClientRect().height < window.innerHeight * 0.9;
    card.scrollIntoView({ block: fits ? "nearest" : "start" });
    const quote = card.querySelector(".menbe-body > .menbe-para mark");
    if (quote && !shown(quote)) quote.scrollIntoView({ block: "center" });
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
  // On a phone, the question box's autofocus and the chat's own scrolling would open the page
  // scrolled past its header: until the user first touches, types or scrolls (or 3 s after
  // the page loads), any scroll is undone.
  let settled = false;
  const settle = () => (settled = true);
  for (const kind of ["pointerdown", "keydown", "wheel", "touchstart"]) {
    document.addEventListener(kind, settle, { capture: true, once: true });
  }
  // (Gradio adds this script once the page has loaded, so "load" may be long past)
  if (document.readyState === "complete") setTimeout(settle, 3000);
  else window.addEventListener("load", () => setTimeout(settle, 3000));
  window.addEventListener("scroll", () => {
    if (!settled && window.scrollY > 0 && window.matchMedia("(max-width: 720px)").matches) {
      window.scrollTo(0, 0);
    }
  });
  window.menbeOpenSource = openSource;
})();
