"""Workbook variants for reader tests and benches: the same sheet with its text kept as Excel
keeps it (a shared-strings table) instead of openpyxl's inline strings."""

import io
import zipfile

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_C, _IS, _V, _T = (f"{{{MAIN}}}{tag}" for tag in ("c", "is", "v", "t"))
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _text(node) -> str:
    """An inline string's text as openpyxl reads it: its t, then each run's t."""
    plain = node.findtext(_T)
    runs = [run.findtext(_T) for run in node.findall(f"{{{MAIN}}}r")]
    return "".join(t for t in [plain, *runs] if t is not None)


def with_shared_strings(data: bytes) -> bytes:
    """The workbook (bytes, as openpyxl saves it) with every inline string of every sheet
    moved to xl/sharedStrings.xml, each distinct text once, as Excel saves a file."""
    strings: dict[str, int] = {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        parts = {item.filename: zin.read(item.filename) for item in zin.infolist()}
    for name, content in list(parts.items()):
        if not name.startswith("xl/worksheets/sheet"):
            continue
        root = etree.fromstring(content)
        for cell in root.iter(_C):
            if cell.get("t") != "inlineStr":
                continue
            node = cell.find(_IS)
            text = _text(node) if node is not None else ""
            for child in list(cell):
                cell.remove(child)
            cell.set("t", "s")
            etree.SubElement(cell, _V).text = str(strings.setdefault(text, len(strings)))
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    sst = etree.Element(f"{{{MAIN}}}sst", nsmap={None: MAIN})
    sst.set("count", str(len(strings)))
    sst.set("uniqueCount", str(len(strings)))
    for text in strings:
        t = etree.SubElement(etree.SubElement(sst, f"{{{MAIN}}}si"), _T)
        t.text = text
        if text != text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    parts["xl/sharedStrings.xml"] = etree.tostring(sst, xml_declaration=True, encoding="UTF-8")
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>',
    ).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Type="{SST_REL}" Target="sharedStrings.xml" Id="rIdSst"/></Relationships>',
    ).encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, content in parts.items():
            zout.writestr(name, content)
    return out.getvalue()
