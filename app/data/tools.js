// Mənbə's reading tools, beside ui.js (which opens a source card when its [n] marker is clicked):
// - "Searching the corpus…" in Gradio's pending bubble while an answer is on its way;
// - a preview of the cited source when a marker in the chat is hovered, focused or tapped;
// - "copy citation" on a source card;
// - the corpus browser's search results (open a paragraph), its aligned sentences (hover or tap
//   one, its counterpart in the other language lights up) and "ask about this paragraph".
// Every text shown here comes from data-* attributes the server escaped, and is only ever set
// as textContent, never parsed as HTML.
(() => {
  const MARKER = '#menbe-chat a[href^="#src-"]';
  const NARROW = "(max-width: 720px)"; // the phone layout: sources below the chat (ui.css)
  const GAP = 8;
  const closest = (event, selector) => (event.target.closest ? event.target.closest(selector) : null);

  // -- the answer on its way ------------------------------------------------------------------
  // Gradio shows three dots in a bot bubble until the first words of the answer arrive (for a
  // model's answer, until it starts writing); the words say what is happening, in the
  // interface language, which the sources panel carries (cards.panel_open).
  const thinking = () => {
    const bubble = document.querySelector("#menbe-chat .message.bot.pending");
    if (!bubble || bubble.querySelector(".menbe-thinking")) return;
    const panel = document.querySelector("#menbe-sources [data-thinking]");
    const text = panel && panel.dataset.thinking;
    if (!text) return;
    const note = document.createElement("span");
    note.className = "menbe-thinking";
    note.textContent = text;
    (bubble.querySelector(".message-content") || bubble).appendChild(note);
    bubble.setAttribute("aria-label", text);
  };
  new MutationObserver(thinking).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });

  // -- the [n] preview ---------------------------------------------------------------------
  let pop = null;
  let anchor = null;
  let hideTimer = 0;

  const popover = () => {
    if (pop && pop.isConnected) return pop;
    pop = document.createElement("div");
    pop.id = "menbe-pop";
    pop.className = "menbe-pop";
    pop.setAttribute("role", "tooltip");
    pop.hidden = true;
    for (const part of ["title", "where", "quote"]) {
      const el = document.createElement(part === "quote" ? "blockquote" : "div");
      el.className = `menbe-pop-${part}`;
      pop.appendChild(el);
    }
    // inside Gradio's container, so the theme's colours and fonts apply
    (document.querySelector(".gradio-container") || document.body).appendChild(pop);
    return pop;
  };
  const cardOf = (link) =>
    document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
  const onScreen = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.bottom > 0 && box.top < window.innerHeight;
  };
  // Beside the marker (below it, or above when there is no room), never past either edge.
  const place = () => {
    if (!pop || pop.hidden || pop.classList.contains("menbe-docked")) return;
    if (!anchor || !anchor.isConnected || !onScreen(anchor)) return hide();
    const width = document.documentElement.clientWidth;
    const at = anchor.getBoundingClientRect();
    const box = pop.getBoundingClientRect();
    const left = Math.max(GAP, Math.min(at.left + at.width / 2 - box.width / 2, width - box.width - GAP));
    let top = at.bottom + 6;
    if (top + box.height > window.innerHeight - GAP) top = Math.max(GAP, at.top - box.height - 6);
    pop.style.left = `${left}px`;
    pop.style.top = `${top}px`;
  };
  const show = (link, docked) => {
    const card = cardOf(link);
    const data = card && card.querySelector(":scope > summary");
    if (!data || !data.dataset.title) return false;
    clearTimeout(hideTimer);
    const p = popover();
    const { title, where, quote: cited, lang } = data.dataset;
    p.querySelector(".menbe-pop-title").textContent = title;
    p.querySelector(".menbe-pop-where").textContent = where || "";
    const quote = p.querySelector(".menbe-pop-quote");
    quote.textContent = cited || "";
    quote.lang = lang || "";
    quote.hidden = !cited;
    if (anchor && anchor !== link) anchor.removeAttribute("aria-describedby");
    anchor = link;
    link.setAttribute("aria-describedby", p.id);
    p.classList.toggle("menbe-docked", docked);
    p.style.left = "0px";
    p.style.top = "0px";
    p.hidden = false;
    place();
    return true;
  };
  const hide = () => {
    clearTimeout(hideTimer);
    if (pop) pop.hidden = true;
    if (anchor) anchor.removeAttribute("aria-describedby");
    anchor = null;
  };
  // A docked preview covers the bottom of the window: keep the card's highlight above it.
  const keepClear = (card) => {
    const mark = card && card.querySelector(".menbe-body > .menbe-para mark");
    if (!mark || !pop || pop.hidden) return;
    const limit = pop.getBoundingClientRect().top - GAP;
    const box = mark.getBoundingClientRect();
    const room = Math.min(box.top - GAP, card.getBoundingClientRect().top - GAP);
    const by = Math.min(box.bottom - limit, room);
    if (by > 0) window.scrollBy(0, by);
  };

  document.addEventListener("pointerover", (event) => {
    if (event.pointerType !== "mouse") return; // a tap shows it on click instead
    const link = closest(event, MARKER);
    if (!link) return;
    clearTimeout(hideTimer);
    if (link !== anchor || !pop || pop.hidden) show(link, false);
  });
  document.addEventListener("pointerout", (event) => {
    if (event.pointerType !== "mouse" || !anchor || !pop || pop.classList.contains("menbe-docked"))
      return;
    const link = closest(event, MARKER);
    if (link !== anchor || (event.relatedTarget && link.contains(event.relatedTarget))) return;
    hideTimer = setTimeout(hide, 200);
  });
  document.addEventListener("focusin", (event) => {
    const link = closest(event, MARKER);
    if (link && link !== anchor) show(link, false);
  });
  document.addEventListener("focusout", (event) => {
    if (closest(event, MARKER) === anchor && pop && !pop.classList.contains("menbe-docked")) hide();
  });
  // ui.js has already opened and scrolled to the card (its listener comes first). On a wide
  // screen the marker stays where it was and the preview beside it; on a phone the page has
  // moved to the card, so the preview sits at the bottom of the window until the next tap.
  document.addEventListener(
    "click",
    (event) => {
      const link = closest(event, MARKER);
      if (!link) return;
      const docked = window.matchMedia(NARROW).matches;
      if (show(link, docked) && docked) requestAnimationFrame(() => keepClear(cardOf(link)));
    },
    true,
  );
  document.addEventListener(
    "pointerdown",
    (event) => {
      if (pop && !pop.hidden && !closest(event, MARKER) && !closest(event, "#menbe-pop")) hide();
    },
    true,
  );
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hide();
  });
  document.addEventListener("scroll", () => place(), { capture: true, passive: true });
  window.addEventListener("resize", () => hide());

  // -- copy citation -------------------------------------------------------------------------
  const copy = async (text) => {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // not a secure page, or no permission: the old way, then the reader's own hands
    }
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.cssText = "position:fixed;top:0;left:0;opacity:0;";
    document.body.appendChild(area);
    area.select();
    let done = false;
    try {
      done = document.execCommand("copy");
    } catch {
      done = false;
    }
    area.remove();
    return done;
  };
  const manual = (button, text) => {
    let field = button.parentElement.querySelector(".menbe-cite-field");
    if (!field) {
      field = document.createElement("label");
      field.className = "menbe-cite-field";
      const caption = document.createElement("span");
      caption.textContent = button.dataset.manual || "";
      const input = document.createElement("input");
      input.readOnly = true;
      field.append(caption, input);
      button.parentElement.appendChild(field);
    }
    const input = field.querySelector("input");
    input.value = text;
    input.focus();
    input.select();
  };
  document.addEventListener("click", async (event) => {
    const button = closest(event, "button.menbe-copy");
    if (!button) return;
    event.preventDefault();
    const link = button.dataset.link || "";
    let text = button.dataset.cite || "";
    if (link && text.endsWith(link)) {
      text = text.slice(0, text.length - link.length) + new URL(link, window.location.href).href;
    }
    button.dataset.copied = text; // what was offered, for a reader's script or a test
    if (!(await copy(text))) return manual(button, text);
    const label = button.querySelector(".menbe-copy-label");
    if (!label) return;
    if (!button.dataset.label) button.dataset.label = label.textContent;
    label.textContent = button.dataset.done || label.textContent;
    button.classList.add("menbe-copied");
    clearTimeout(button.menbeTimer);
    button.menbeTimer = setTimeout(() => {
      label.textContent = button.dataset.label;
      button.classList.remove("menbe-copied");
    }, 2000);
  });

  // -- the corpus browser: open a search result, ask about a paragraph ------------------------
  // Gradio's textboxes take a value typed by script when an "input" event follows it.
  const type = (field, value) => {
    field.value = value;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const waitFor = (find, then, tries = 50) => {
    const found = find();
    if (found) return then(found);
    if (tries > 0) setTimeout(() => waitFor(find, then, tries - 1), 100);
  };
  const openParagraph = (ref) => {
    const field = document.querySelector("#menbe-ref textarea, #menbe-ref input");
    const open = document.getElementById("menbe-open");
    if (!field || !open) return false;
    const before = document.querySelector("#menbe-browser .menbe-focus");
    type(field, ref);
    requestAnimationFrame(() => open.click());
    const id = `para-${ref.replace("/", "-")}`;
    // the paragraph is shown at the head of the browser: bring it into view once it is there
    let tries = 40;
    const reveal = () => {
      const focus = document.querySelector("#menbe-browser .menbe-focus");
      if (focus && focus.id === id && (focus !== before || tries < 30)) {
        focus.scrollIntoView({ block: "start" });
        return;
      }
      if (tries-- > 0) setTimeout(reveal, 100);
    };
    setTimeout(reveal, 100);
    return true;
  };
  const askAbout = (prompt) => {
    const tab = document.querySelector('#menbe-tabs button[role="tab"][data-tab-id="chat"]');
    if (tab) tab.click();
    waitFor(
      () => {
        const area = document.querySelector("#menbe-question textarea");
        return area && area.offsetParent !== null ? area : null;
      },
      (area) => {
        type(area, prompt);
        area.focus();
        area.setSelectionRange(prompt.length, prompt.length);
        area.scrollIntoView({ block: "center" });
      },
    );
  };
  // -- the corpus browser: aligned sentences -------------------------------------------------
  // The versions of a paragraph are aligned sentence by sentence (browse.sentences_html gives
  // sentence i of each column data-s="i"): pointing at one, with a mouse, or tapping it lights
  // it up together with its counterparts in the other language; a second tap or a tap
  // elsewhere puts the light out. On a phone the columns stand one above the other, so a
  // counterpart not wholly in view is also shown in the docked preview, under its language.
  const SENTENCE = ".menbe-row .menbe-s[data-s]";
  let lit = [];
  const unlight = () => {
    for (const el of lit) el.classList.remove("menbe-aligned");
    lit = [];
  };
  const dock = (sentence) => {
    const column = sentence.closest(".menbe-col");
    const badge = column && column.querySelector(".menbe-lang");
    const p = popover();
    hide();
    p.querySelector(".menbe-pop-title").textContent = badge ? badge.title : "";
    p.querySelector(".menbe-pop-where").textContent = "";
    const quote = p.querySelector(".menbe-pop-quote");
    quote.textContent = sentence.textContent;
    quote.lang = column ? column.lang : "";
    quote.hidden = false;
    p.classList.add("menbe-docked");
    p.hidden = false;
  };
  const light = (sentence) => {
    unlight();
    const row = sentence.closest(".menbe-row");
    if (!row) return;
    const index = sentence.dataset.s;
    lit = [...row.querySelectorAll(".menbe-s[data-s]")].filter((el) => el.dataset.s === index);
    for (const el of lit) el.classList.add("menbe-aligned");
    const away = lit.find((el) => {
      const box = el.getBoundingClientRect();
      return el !== sentence && (box.top < 0 || box.bottom > window.innerHeight);
    });
    if (away && window.matchMedia(NARROW).matches) dock(away);
  };
  document.addEventListener("pointerover", (event) => {
    if (event.pointerType !== "mouse") return; // a tap lights it on click instead
    const sentence = closest(event, SENTENCE);
    if (sentence) {
      if (!lit.includes(sentence)) light(sentence);
    } else if (lit.length) unlight();
  });
  document.addEventListener("click", (event) => {
    if (event.pointerType === "mouse" || closest(event, "#menbe-pop")) return; // hovered
    const sentence = closest(event, SENTENCE);
    if (sentence && !lit.includes(sentence)) light(sentence);
    else if (lit.length) unlight();
  });

  document.addEventListener("click", (event) => {
    const hit = closest(event, "a.menbe-hit[data-ref]");
    if (hit) {
      if (openParagraph(hit.dataset.ref)) event.preventDefault();
      return;
    }
    const ask = closest(event, "button.menbe-ask[data-prompt]");
    if (ask) {
      event.preventDefault();
      askAbout(ask.dataset.prompt);
    }
  });
})();
