// Progressive enhancement only: every page works without this file.
document.documentElement.classList.remove("no-js");

// Live word count for the final report. It counts as the server does
// (certificates/wordcount.py): hyphens and apostrophes inside a word keep it one word.
const WORD = /[\p{L}\p{N}\p{M}]+(?:[-\u2010'\u2019][\p{L}\p{N}\p{M}]+)*/gu;

function updateWordCount(form) {
  const output = form.querySelector("[data-word-count-output]");
  if (!output) return;
  let words = 0;
  form.querySelectorAll("textarea[data-counts]").forEach((area) => {
    words += (area.value.match(WORD) || []).length;
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
