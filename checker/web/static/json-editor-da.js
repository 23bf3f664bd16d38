// json-editor's own words (buttons, prompts) in Danish. Validation messages are the server's, so the
// library's error texts are not used (show_errors: never).
"use strict";
JSONEditor.defaults.languages.da = Object.assign({}, JSONEditor.defaults.languages.en, {
  button_save: "Gem",
  button_copy: "Kopiér",
  button_cancel: "Annullér",
  button_add: "Tilføj",
  button_delete_all: "Alle",
  button_delete_all_title: "Slet alle",
  button_delete_last: "Sidste {{0}}",
  button_delete_last_title: "Slet sidste {{0}}",
  button_add_row_title: "Tilføj {{0}}",
  button_move_down_title: "Flyt ned",
  button_move_up_title: "Flyt op",
  button_properties: "Felter",
  button_object_properties: "Felter",
  button_copy_row_title: "Kopiér {{0}}",
  button_delete_row_title: "Slet {{0}}",
  button_delete_row_title_short: "Slet",
  button_copy_row_title_short: "Kopiér",
  button_collapse: "Fold sammen",
  button_expand: "Fold ud",
  button_edit_json: "Redigér JSON",
  button_upload: "Upload",
  choices_placeholder_text: "Skriv for at tilføje",
  default_array_item_title: "element",
  button_delete_node_warning: "Vil du slette dette element?",
  table_controls: "Knapper",
  paste_max_length_reached: "Den indsatte tekst var længere end {{0}} tegn og er afkortet.",
});

// A heading or description json-editor makes from the document's own text (a party's name, a title) is
// shown as the text it is. The library's cleanText parses it as HTML in a detached element to strip tags,
// which already loads an <img> in it (and would run its onerror but for the page's CSP); text in, text out.
JSONEditor.AbstractEditor.prototype.cleanText = (text) => (text === undefined || text === null ? "" : String(text));
JSONEditor.AbstractTheme.prototype.cleanText = JSONEditor.AbstractEditor.prototype.cleanText;
