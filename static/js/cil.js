// Progressive enhancement only: every page works without this file.
document.documentElement.classList.remove("no-js");

// Live word count for the final report. It counts as the server does
// (certificates/wordcount.py): hyphens and apostrophes inside a word keep it one word, and
// characters that show nothing (format characters such as zero-width spaces, combining marks,
// variation selectors) are taken out after NFKC normalisation, so they neither pad nor split.
const WORD = /[\p{L}\p{N}]+(?:[-\u2010'\u2019][\p{L}\p{N}]+)*/gu;
const INVISIBLE = /[\p{Cf}\p{M}\u200B-\u200D\u2060\uFEFF]/gu;

function countWords(text) {
  return (text.normalize("NFKC").replace(INVISIBLE, "").match(WORD) || []).length;
}

function updateWordCount(form) {
  const output = form.querySelector("[data-word-count-output]");
  if (!output) return;
  let words = 0;
  form.querySelectorAll("textarea[data-counts]").forEach((area) => {
    words += countWords(area.value);
  });
  output.textContent = String(words);
  const min = Number(form.dataset.minWords), max = Number(form.dataset.maxWords);
  output.closest("[data-word-count]").classList.toggle("text-danger", words < min || words > max);
}

document.addEventListener("input", (event) => {
  const form = event.target.closest("form[data-word-count-form]");
  if (form) updateWordCount(form);
});
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-word-count-form]").forEach(updateWordCount);
});

// Share links: a Copy button beside the read-only address (without scripts, the field is
// selected and copied by hand; the button stays hidden).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copy);
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        button.textContent = button.dataset.copied;
      } catch {
        // Clipboard refused (an insecure origin): the text is selected for copying by hand.
      }
    });
  });
});
