// Proofline's only script: conveniences on top of pages that work without it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
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
