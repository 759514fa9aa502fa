// Proofline's only script: conveniences on top of pages that work without it.
"use strict";

document.documentElement.classList.add("js");

// Steps are numbered in their field names (step.2.title); after a drag, renumber them so
// the form posts them in their new order.
function renumberSteps(list) {
  list.querySelectorAll(":scope > li.step").forEach((item, index) => {
    item.querySelector(".step-number").textContent = String(index + 1);
    for (const field of item.querySelectorAll("[data-field]")) {
      field.name = `step.${index}.${field.dataset.field}`;
    }
  });
}

function enableStepDragging(list) {
  let dragged = null;
  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("li.step");
    if (dragged) dragged.classList.add("dragging");
  });
  list.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    renumberSteps(list);
  });
  list.addEventListener("dragover", (event) => {
    const over = event.target.closest("li.step");
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });
}

// The schedule's next runs, fetched as the rule or zone is typed.
function enableCadencePreview() {
  const rule = document.getElementById("rule");
  const zone = document.getElementById("zone");
  const target = document.getElementById("cadence-preview");
  if (!rule || !zone || !target) return;
  let timer = null;
  const refresh = async () => {
    const query = new URLSearchParams({ rule: rule.value, zone: zone.value });
    try {
      const response = await fetch(`/cadence-preview?${query}`, { credentials: "same-origin" });
      if (response.ok) {
        const hint = target.querySelector(".hint");
        target.innerHTML = await response.text();
        if (hint) target.prepend(hint);
      }
    } catch (_) { /* offline: keep the last preview */ }
  };
  for (const field of [rule, zone]) {
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const list of document.querySelectorAll(".editor-steps")) enableStepDragging(list);
  enableCadencePreview();

  // A read-only field with a secret or link selects itself for copying.
  for (const field of document.querySelectorAll("input.copy")) {
    field.addEventListener("focus", () => field.select());
  }

  // Show the photo chosen or taken, so a blurry one is retaken before submitting.
  for (const input of document.querySelectorAll('input[type="file"][accept^="image"]')) {
    input.addEventListener("change", () => {
      let preview = input.nextElementSibling;
      if (!preview || !preview.classList.contains("previews")) {
        preview = document.createElement("div");
        preview.className = "previews";
        input.after(preview);
      }
      preview.replaceChildren();
      for (const file of input.files) {
        const img = document.createElement("img");
        img.className = "thumb";
        img.alt = "Preview of " + file.name;
        img.src = URL.createObjectURL(file);
        preview.append(img);
      }
    });
  }

  // One submission per click: a second tap on a slow phone must not post twice.
  for (const form of document.querySelectorAll("form")) {
    form.addEventListener("submit", () => {
      for (const button of form.querySelectorAll("button[type=submit]")) {
        setTimeout(() => { button.disabled = true; }, 0);
      }
    });
  }
});

// Coming back with the Back button shows the page as it was left: buttons usable again.
window.addEventListener("pageshow", () => {
  for (const button of document.querySelectorAll("button[disabled]")) {
    button.disabled = false;
  }
});
