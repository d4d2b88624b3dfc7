#!/usr/bin/env python3
"""Turns a `tmux capture-pane -e -p` dump (text with SGR colour codes) into an SVG picture.

Standard library only. Usage: ansi2svg.py INPUT.ansi OUTPUT.svg [COLUMNS ROWS]
"""
import html
import re
import sys
import unicodedata

CELL_W, CELL_H, FONT = 8.4, 17, 14
DEFAULT_FG, DEFAULT_BG = "#c0caf5", "#1a1b26"
BASIC = ["#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
         "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff"]


def xterm256(n):
    if n < 16:
        return BASIC[n]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (levels[n // 36], levels[(n // 6) % 6], levels[n % 6])
    g = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (g, g, g)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None
        self.bold = self.italic = self.underline = self.reverse = self.dim = False

    def key(self):
        fg, bg = self.fg or DEFAULT_FG, self.bg or DEFAULT_BG
        if self.reverse:
            fg, bg = bg, fg
        return (fg, bg, self.bold, self.italic, self.underline, self.dim)

    def apply(self, params):
        codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif 30 <= c <= 37:
                self.fg = BASIC[c - 30]
            elif 90 <= c <= 97:
                self.fg = BASIC[c - 90 + 8]
            elif 40 <= c <= 47:
                self.bg = BASIC[c - 40]
            elif 100 <= c <= 107:
                self.bg = BASIC[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    colour = xterm256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    colour = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    colour = None
                if c == 38:
                    self.fg = colour
                else:
                    self.bg = colour
            i += 1


def parse(text):
    """Yields rows of (char, width, style key)."""
    rows = []
    style = Style()
    for line in text.split("\n"):
        row = []
        pos = 0
        for m in re.finditer(r"\x1b\[([0-9;]*)m|\x1b[^\[]|([^\x1b])", line):
            if m.group(1) is not None:
                style.apply(m.group(1))
            elif m.group(2) is not None:
                ch = m.group(2)
                w = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
                row.append((ch, w, style.key()))
        rows.append(row)
        pos += 1
    return rows


def render(rows, cols, nrows):
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="%d">'
        % (cols * CELL_W, nrows * CELL_H, FONT),
        '<rect width="100%%" height="100%%" fill="%s"/>' % DEFAULT_BG,
    ]
    for y, row in enumerate(rows[:nrows]):
        x = 0
        runs = []
        for ch, w, key in row:
            if runs and runs[-1][2] == key:
                runs[-1][1].append(ch)
                runs[-1][3] += w
            else:
                runs.append([x, [ch], key, w])
            x += w
        for start, chars, key, width in runs:
            fg, bg, bold, italic, underline, dim = key
            if bg != DEFAULT_BG:
                out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>'
                           % (start * CELL_W, y * CELL_H, width * CELL_W, CELL_H, bg))
            text = "".join(chars)
            if not text.strip():
                continue
            attrs = ['fill="%s"' % fg]
            if bold:
                attrs.append('font-weight="bold"')
            if italic:
                attrs.append('font-style="italic"')
            if underline:
                attrs.append('text-decoration="underline"')
            if dim:
                attrs.append('opacity="0.6"')
            out.append('<text x="%.1f" y="%.1f" textLength="%.1f" lengthAdjust="spacingAndGlyphs" xml:space="preserve" %s>%s</text>'
                       % (start * CELL_W, (y + 1) * CELL_H - 4, width * CELL_W, " ".join(attrs), html.escape(text)))
    out.append("</svg>")
    return "\n".join(out)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8", errors="replace") as f:
        rows = parse(f.read().rstrip("\n"))
    cols = int(sys.argv[3]) if len(sys.argv) > 3 else max(sum(w for _, w, _ in r) for r in rows)
    nrows = int(sys.argv[4]) if len(sys.argv) > 4 else len(rows)
    with open(dst, "w", encoding="utf-8") as f:
        f.write(render(rows, cols, nrows))


if __name__ == "__main__":
    main()
