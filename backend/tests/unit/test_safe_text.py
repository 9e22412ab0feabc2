import pytest

from app.core.safe_text import clean_name, pdf_text, spreadsheet_text


@pytest.mark.parametrize("typed,stored", [
    ("Press 7", "Press 7"),
    ("Press\n7", "Press 7"),
    ("Press\r\n7", "Press  7"),
    ("Press\u20287\u2029", "Press 7"),
    ("Press\x85\t7", "Press  7"),
    ("\x07Bell\x1b[0m", "Bell[0m"),
    ("evil\u202etxt.exe", "eviltxt.exe"),
    ("Presse Süd · 東京", "Presse Süd · 東京"),
    ("family 👨\u200d👩\u200d👧", "family 👨\u200d👩\u200d👧"),
    ("  padded  ", "padded"),
])
def test_names_are_one_line_of_visible_text(typed, stored):
    assert clean_name(typed) == stored


def test_anything_but_text_is_left_to_the_field():
    assert clean_name(42) == 42 and clean_name(None) is None


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1",
                                  "  =1", "\uff1d1+1", "=HYPERLINK(\"http://x\")"])
def test_cells_a_spreadsheet_would_evaluate_get_an_apostrophe(cell):
    assert spreadsheet_text(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["power kW", "1=1", "a+b", "e-mail", "", "'quoted", "ä=1"])
def test_other_cells_are_unchanged(cell):
    assert spreadsheet_text(cell) == cell


def test_pdf_text_escapes_markup():
    assert pdf_text("Pump <A> & <b>B</b>") == "Pump &lt;A&gt; &amp; &lt;b&gt;B&lt;/b&gt;"
