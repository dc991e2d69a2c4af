// Shows the name of the file chosen in a Swedish file control (a hidden
// file input with a label styled as a button). Without this script the
// control works the same; only the name is not shown.
document.querySelectorAll("input.file-input").forEach(function (input) {
  var out = document.getElementById(input.id + "-name");
  if (!out) return;
  var show = function () {
    out.textContent = input.files && input.files.length ? input.dataset.chosen + input.files[0].name : input.dataset.none;
  };
  input.addEventListener("change", show);
  show();
});
