using System.Text;
using System.Text.RegularExpressions;

namespace Ch13.Tests;

/// <summary>
/// How much of a section script is plumbing rather than the chapter, by one stated rule (issue 17):
/// <list type="bullet">
/// <item>A <b>code line</b> is a line that is neither blank nor only a comment.</item>
/// <item>The script is cut into statements (a statement runs until its brackets close on a line ending in <c>;</c> or
/// <c>}</c>). A statement whose code (string contents and comments aside) matches <see cref="Markers"/> is
/// <b>plumbing</b>: it declares an option, calls <c>Runs.Start</c>/<c>Runs.Finish</c> or an <c>EvalOnly</c> ending,
/// handles <c>--weights</c>/<c>--eval-only</c>, builds the run configuration (<c>RunConfig</c>), replays the RNG
/// (<c>TorchRandom.Skip</c>, <c>Loader.EpochOrder</c>), raises a usage error, reaches into the run store, or is the
/// <c>#load</c> of the lib. All of its code lines count, except in a <c>Runs.Finish</c> call: there the call and its
/// <c>config:</c> argument are plumbing, while its <c>series:</c>, <c>results:</c> and <c>keyMetric:</c> arguments
/// are the chapter's results (what it measured, under the names the reports show).</item>
/// <item><c>torch.manual_seed</c> and <c>using</c> directives are chapter code: the notebook has them too.</item>
/// <item>A block statement (<c>if</c>, <c>foreach</c>, a local function…) whose header is plumbing counts whole (the
/// <c>--eval-only</c> branch); otherwise its header and braces are chapter code and its inner statements are judged one
/// by one.</item>
/// </list>
/// Everything else is chapter code.
/// </summary>
public static class ScriptPlumbing
{
    /// <summary>What makes a statement plumbing (matched against its code with strings and comments removed).</summary>
    public static readonly Regex Markers = new(
        @"^\s*#load\b|\bnew\s+\w*Option\s*\(|\bCommonOptions\.|\bModelWeights\.|\b[Ww]eights\.|\bEvalOnly\.|" +
        @"\bRuns\.(Start|Finish)\b|\bRunConfig\b|\bTorchRandom\.Skip\s*\(|\bLoader\.EpochOrder\s*\(|\bArgParser\.|\bRunSets\.",
        RegexOptions.Multiline);

    /// <summary>A script's counts: code lines, plumbing lines, and the code lines of each <c>--eval-only</c> branch.</summary>
    public sealed record Measure(int CodeLines, int PlumbingLines, IReadOnlyList<int> EvalOnlyBranches, IReadOnlyList<string> Plumbing)
    {
        public double Share => CodeLines == 0 ? 0 : (double)PlumbingLines / CodeLines;
    }

    public static Measure Of(string source)
    {
        var code = CodeOnly(source);
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var isCode = code.Select(c => c.Trim().Length > 0).ToArray();
        var plumbing = new bool[code.Length];
        var evalBranches = new List<int>();
        Walk(code, isCode, 0, code.Length, plumbing, evalBranches);
        var plumbingLines = Enumerable.Range(0, code.Length).Where(i => plumbing[i] && isCode[i]).ToList();
        return new Measure(isCode.Count(c => c), plumbingLines.Count, evalBranches, plumbingLines.Select(i => lines[i]).ToList());
    }

    // Cuts lines [from, to) into statements and marks the plumbing ones.
    static void Walk(string[] code, bool[] isCode, int from, int to, bool[] plumbing, List<int> evalBranches)
    {
        var i = from;
        while (i < to)
        {
            if (!isCode[i]) { i++; continue; }
            var start = i;
            var depth = 0;
            for (; i < to; i++)
            {
                depth += Delta(code[i]);
                var end = code[i].TrimEnd();
                if (depth <= 0 && isCode[i] && (end.EndsWith(';') || end.EndsWith('}') || end.StartsWith('#') || end.StartsWith("using "))) break;
            }
            var last = Math.Min(i, to - 1);
            i = last + 1;
            var open = Enumerable.Range(start, last - start + 1).FirstOrDefault(k => code[k].Trim() == "{", -1);
            var isBlock = open > start && code[last].Trim() == "}";
            var header = string.Join("\n", code[start..(isBlock ? open : last + 1)]);
            var counts = Markers.IsMatch(header);
            if (Regex.IsMatch(header, @"\bEvalOnly\b") && Regex.IsMatch(header, @"^\s*if\b"))
                evalBranches.Add(Enumerable.Range(start, last - start + 1).Count(k => isCode[k]));
            if (counts || !isBlock)
            {
                for (var k = start; k <= last; k++) plumbing[k] = counts;
                if (counts && Regex.IsMatch(header, @"\bRuns\.Finish\b")) ResultsAreChapter(code, start, last, plumbing);
                continue;
            }
            Walk(code, isCode, open + 1, last, plumbing, evalBranches);
        }
    }

    // In a Runs.Finish call, the lines from a series:/results:/keyMetric: argument up to the next config: are chapter code.
    static void ResultsAreChapter(string[] code, int start, int last, bool[] plumbing)
    {
        var chapter = false;
        for (var k = start + 1; k <= last; k++)
        {
            var line = code[k].TrimStart();
            if (Regex.IsMatch(line, @"^(series|results|keyMetric)\s*:")) chapter = true;
            else if (Regex.IsMatch(line, @"^config\s*:")) chapter = false;
            if (chapter) plumbing[k] = false;
        }
    }

    static int Delta(string line) => line.Count(c => c is '(' or '[' or '{') - line.Count(c => c is ')' or ']' or '}');

    /// <summary>The source line by line with comments removed and every string or char literal emptied (quotes kept).</summary>
    public static string[] CodeOnly(string source)
    {
        var text = source.Replace("\r\n", "\n");
        var output = new StringBuilder(text.Length);
        var pos = 0;
        ScanCode(text, ref pos, output, stopAtBrace: false);
        return output.ToString().Split('\n');
    }

    // Code until the end (or, inside an interpolation hole, until its closing brace), copying all but comments and strings.
    static void ScanCode(string s, ref int i, StringBuilder o, bool stopAtBrace)
    {
        var braces = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '/' && i + 1 < s.Length && s[i + 1] == '/')
            {
                while (i < s.Length && s[i] != '\n') i++;
                continue;
            }
            if (c == '/' && i + 1 < s.Length && s[i + 1] == '*')
            {
                var close = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                var stop = close < 0 ? s.Length : close + 2;
                o.Append(new string('\n', s[i..stop].Count(ch => ch == '\n')));
                i = stop;
                continue;
            }
            if (c == '\'')
            {
                o.Append("''");
                i++;
                while (i < s.Length && s[i] != '\'' && s[i] != '\n') i += s[i] == '\\' ? 2 : 1;
                i++;
                continue;
            }
            if (c == '"' || ((c == '$' || c == '@') && i + 1 < s.Length && (s[i + 1] == '"' || ((s[i + 1] == '$' || s[i + 1] == '@') && i + 2 < s.Length && s[i + 2] == '"'))))
            {
                ScanString(s, ref i, o);
                continue;
            }
            if (stopAtBrace)
            {
                if (c == '{') braces++;
                if (c == '}' && braces-- == 0) { i++; return; }
            }
            o.Append(c);
            i++;
        }
    }

    static void ScanString(string s, ref int i, StringBuilder o)
    {
        var interpolated = false;
        var verbatim = false;
        while (s[i] != '"')
        {
            interpolated |= s[i] == '$';
            verbatim |= s[i] == '@';
            i++;
        }
        if (s.AsSpan(i).StartsWith("\"\"\"")) // a raw string literal: to the matching run of quotes
        {
            var quotes = 0;
            while (i < s.Length && s[i] == '"') { quotes++; i++; }
            var close = s.IndexOf(new string('"', quotes), i, StringComparison.Ordinal);
            var stop = close < 0 ? s.Length : close + quotes;
            o.Append("\"\"").Append(new string('\n', s[i..stop].Count(ch => ch == '\n')));
            i = stop;
            return;
        }
        o.Append('"');
        i++;
        while (i < s.Length)
        {
            var c = s[i];
            if (!verbatim && c == '\\') { i += 2; continue; }
            if (c == '"')
            {
                if (verbatim && i + 1 < s.Length && s[i + 1] == '"') { i += 2; continue; }
                i++;
                break;
            }
            if (interpolated && c == '{')
            {
                if (i + 1 < s.Length && s[i + 1] == '{') { i += 2; continue; }
                i++;
                o.Append('{');
                ScanCode(s, ref i, o, stopAtBrace: true);
                o.Append('}');
                continue;
            }
            if (c == '\n') o.Append('\n');
            i++;
        }
        o.Append('"');
    }
}
