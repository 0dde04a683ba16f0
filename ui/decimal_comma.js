// Number inputs accept the decimal comma most of our languages write.
//
// Streamlit's number inputs are HTML inputs of type "number", and the browser drops
// a typed "," there, so "12,5" arrived as 125. This listener turns a typed or
// pasted "," into "." and drops digit-group spaces ("1 234,5" -> "1234.5")
// before the input sees them. It is loaded once per browser tab.
(() => {
  if (window.retentionDecimalComma) return;
  window.retentionDecimalComma = true;
  document.addEventListener(
    "beforeinput",
    (event) => {
      const box = event.target;
      if (!(box instanceof HTMLInputElement)) return;
      if (!box.closest('[data-testid="stNumberInput"]')) return;
      const typed = event.data;
      if (!typed || !/[,\s\u00a0\u202f]/.test(typed)) return;
      event.preventDefault();
      const number = typed.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
      if (number) document.execCommand("insertText", false, number);
    },
    true,
  );
})();
