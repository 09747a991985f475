#nullable enable
using System.Net;
using System.Text;

/// <summary>
/// The small HTML vocabulary the reports share (tables are TextTables.ToHtml): escaping, relative URLs, and a
/// page with inline CSS and no external resources (light and dark through prefers-color-scheme; nothing wider than a phone) whose inline script counts images that failed to load (shown as a banner and written to
/// <c>body[data-images-total]</c>/<c>[data-images-broken]</c>, which the browser tests read back).
/// </summary>
public static class Html
{
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A relative URL for a path below the page: each segment escaped, '/' between them.</summary>
    public static string Url(string relativePath) =>
        string.Join('/', relativePath.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));

    /// <summary>A table in its own horizontally scrolling box, so a wide table never widens the page (390 px phones).</summary>
    public static string Table(TextTable table, string cssClass = "") => $"<div class=\"scroll\">{TextTables.ToHtml(table, cssClass)}</div>\n";

    /// <summary>
    /// A table that fits any width: wrapping cells on a wide screen, and on a narrow one (≤ 700 px) a table of more than
    /// three columns (class <c>stack</c>) shows each row as a card, every cell beside its column's name
    /// (<c>td[data-label]</c>; empty cells go); two or three columns fit a phone as they are. Its
    /// scroll box is only a safety net: the pages' self-check counts a table wider than its box as overflow.
    /// </summary>
    public static string Cards(TextTable table, string cssClass = "")
    {
        string Open(string tag, int column, string label) =>
            $"<{tag}{(table.Columns[column].Align == TextAlign.Right ? " class=\"num\"" : "")}{(label.Length > 0 ? $" data-label=\"{Encode(label)}\"" : "")}>";
        var html = new StringBuilder($"<div class=\"scroll\"><table class=\"cards{(table.Columns.Count > 3 ? " stack" : "")}{(cssClass.Length > 0 ? " " + Encode(cssClass) : "")}\"><thead><tr>");
        for (var c = 0; c < table.Columns.Count; c++) html.Append(Open("th", c, "")).Append(Encode(table.Columns[c].Header)).Append("</th>");
        html.Append("</tr></thead><tbody>\n");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            for (var c = 0; c < table.Columns.Count; c++) html.Append(Open("td", c, table.Columns[c].Header)).Append(TextTables.ToHtml(table.Cell(row, c))).Append("</td>");
            html.Append("</tr>\n");
        }
        return html.Append("</tbody></table></div>\n").ToString();
    }

    /// <summary>A whole page around <paramref name="body"/>.</summary>
    public static string Page(string title, string body) => $$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Encode(title)}}</title>
        <style>
        {{Css}}
        </style>
        </head>
        <body>
        <p id="image-status" class="bad" hidden></p>
        {{body}}
        <script>
        {{ImageCheck}}
        </script>
        </body>
        </html>

        """;

    // Light by default, dark through prefers-color-scheme; nothing wider than the viewport: card tables (Cards) wrap and
    // stack on phones, other tables scroll in their own box (Table), images shrink, pre wraps, long words break.
    // Charts (img.chart: white-background plots) follow dark mode through a filter: inverted lightness with the hue
    // turned back, so a white plot turns dark grey and its blue line stays blue; the PNGs themselves stay printable.
    const string Css = """
        :root { color-scheme: light dark; --fg: #1f2328; --muted: #57606a; --line: #d0d7de; --head: #f6f8fa; --ok: #1a7f37; --bad: #cf222e; --mark: #fff8c5; --warn-bg: #ffebe9; --img-bg: #fff; }
        @media (prefers-color-scheme: dark) {
          :root { --fg: #e6edf3; --muted: #9da7b3; --line: #3d444d; --head: #161b22; --ok: #3fb950; --bad: #ff7b72; --mark: #5a4a00; --warn-bg: #3d1d1d; --img-bg: #fff; }
          body { background: #0d1117; } a { color: #58a6ff; }
        }
        body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1500px; padding: 0 24px 48px; color: var(--fg); overflow-wrap: anywhere; }
        @media (max-width: 600px) { body { padding: 0 10px 32px; font-size: 14px; } }
        h1 { margin: 24px 0 4px; } h2 { margin-top: 40px; border-bottom: 2px solid var(--line); padding-bottom: 4px; } h3 { margin: 20px 0 8px; } h4 { margin: 16px 0 6px; font-size: 15px; }
        h1 code, h2 code { font-size: 0.9em; }
        h2 small { font-weight: normal; color: var(--muted); font-size: 60%; }
        code, pre { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
        pre { background: var(--head); padding: 10px 12px; overflow-x: auto; border-radius: 6px; max-width: 100%; box-sizing: border-box; white-space: pre-wrap; overflow-wrap: anywhere; }
        .scroll { max-width: 100%; overflow-x: auto; margin: 8px 0 16px; }
        table { border-collapse: collapse; margin: 0; overflow-wrap: normal; }
        th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; max-width: 36em; }
        th { background: var(--head); } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } th.num { white-space: nowrap; }
        table.cards { max-width: 100%; overflow-wrap: break-word; } table.cards td, table.cards th { max-width: none; }
        table.cards code { overflow-wrap: break-word; } table.cards th.num { overflow-wrap: normal; }
        @media (max-width: 700px) {
          table.stack, table.stack tbody, table.stack tr { display: block; width: 100%; }
          table.stack thead { display: none; }
          table.stack tr { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 8px; padding: 2px 0; box-sizing: border-box; }
          table.stack td { display: grid; grid-template-columns: minmax(5.5em, 38%) minmax(0, 1fr); gap: 8px; border: 0; padding: 1px 8px; text-align: left; white-space: normal; }
          table.stack td::before { content: attr(data-label); color: var(--muted); font-weight: 600; }
          table.stack td:not([data-label]) { display: block; }
          table.stack td:empty { display: none; }
        }
        .outcome { font-size: 34px; font-weight: 700; margin: 12px 0 2px; line-height: 1.2; }
        .tally { font-size: 20px; margin: 0 0 8px; }
        .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(360px, 100%), 1fr)); gap: 12px; align-items: start; }
        .figures figure { margin: 0; } @media (min-width: 800px) { .figures figure.wide { grid-column: span 2; } }
        @media (prefers-color-scheme: dark) { img.chart { filter: invert(0.9) hue-rotate(180deg); border-color: transparent; } }
        .ok, .better { color: var(--ok); font-weight: 600; } .bad, .worse { color: var(--bad); font-weight: 600; } .muted, .unchanged { color: var(--muted); }
        mark, .changed { background: var(--mark); color: inherit; }
        .verdicts { padding-left: 20px; } .verdicts li { margin: 2px 0; } .verdicts a { color: inherit; }
        .quick { border-left: 4px solid var(--bad); padding: 4px 10px; }
        .what { font-size: 17px; margin: 6px 0 10px; }
        figure { margin: 8px 0 20px; min-width: 0; } figure img { max-width: 100%; height: auto; border: 1px solid var(--line); background: var(--img-bg); }
        figcaption { color: var(--muted); font-size: 13px; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(520px, 100%), 1fr)); gap: 12px; }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(640px, 100%), 1fr)); gap: 12px; }
        .pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(440px, 100%), 1fr)); gap: 12px; }
        details { margin: 8px 0; } summary { cursor: pointer; font-weight: 600; }
        #image-status { background: var(--warn-bg); padding: 8px 12px; border-radius: 6px; }
        """;

    // Counts images that failed to load (a banner names them). Lazy images load as they scroll into view, so a
    // failure shows when it happens; opened with #check (the browser tests) every image loads at once and the counts,
    // the layout budget (elements reaching past the viewport outside a scrolling box) and the page height go on <body>.
    const string ImageCheck = """
        (function () {
          var checking = location.hash === '#check';
          function report() {
            var images = Array.prototype.slice.call(document.images);
            var broken = images.filter(function (img) { return checking ? !img.complete || img.naturalWidth === 0 : img.complete && img.naturalWidth === 0; });
            document.body.setAttribute('data-images-total', String(images.length));
            document.body.setAttribute('data-images-broken', String(broken.length));
            var status = document.getElementById('image-status');
            status.textContent = broken.length + ' image(s) failed to load: ' + broken.map(function (img) { return img.getAttribute('src').slice(0, 120); }).join(', ');
            status.hidden = broken.length === 0;
            // Overflow: an element reaching past the viewport, or a scrolling box (.scroll, pre) whose content is wider
            // than the box (so a table that scrolls sideways counts: the boxes are a safety net, not a hiding place).
            var width = document.documentElement.clientWidth;
            var wide = Array.prototype.slice.call(document.body.querySelectorAll('*')).filter(function (e) {
              var r = e.getBoundingClientRect();
              if (r.width === 0) return false;
              if ((e.classList.contains('scroll') || e.tagName === 'PRE') && e.scrollWidth > e.clientWidth + 1) return true;
              return r.right > width + 1 || r.left < -1;
            });
            function where(e) {
              var s = e.closest('section[id]'), t = e.querySelector ? e.querySelector('table') : null;
              return e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : '') + (t && t.className ? '>table.' + t.className.replace(/ /g, '.') : '') + (s ? '@' + s.id : '');
            }
            document.body.setAttribute('data-dark', String(window.matchMedia('(prefers-color-scheme: dark)').matches));
            document.body.setAttribute('data-viewport-width', String(width));
            document.body.setAttribute('data-overflowing', String(wide.length));
            document.body.setAttribute('data-overflowing-first', wide.slice(0, 8).map(where).join(' '));
            document.body.setAttribute('data-scroll-width', String(document.documentElement.scrollWidth));
            document.body.setAttribute('data-page-height', String(document.documentElement.scrollHeight));
            document.body.setAttribute('data-checked', 'true');
          }
          window.addEventListener('load', function () {
            var images = Array.prototype.slice.call(document.images);
            images.forEach(function (img) { img.addEventListener('error', report); if (checking) img.loading = 'eager'; });
            if (!checking) { report(); return; }
            Promise.all(images.map(function (img) {
              return img.complete ? null : new Promise(function (done) { img.addEventListener('load', done); img.addEventListener('error', done); });
            })).then(report);
          });
        })();
        """;
}
