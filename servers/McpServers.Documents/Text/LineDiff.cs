using System.Globalization;
using System.Text;

namespace McpServers.Documents.Text;

/// <summary>
/// A line diff of two texts (Myers' O(ND) shortest edit script, after trimming the common head and tail), written
/// compactly: hunks of changed lines with a little context. The edit distance is capped so that two unrelated long
/// texts cost bounded time and memory: above the cap the middle is reported as replaced wholesale (<see cref="LineDiffResult.Coarse"/>).
/// </summary>
public static class LineDiff
{
    /// <summary>Edits above which the middle is replaced wholesale; the trace holds about this many squared integers.</summary>
    public const int MaxEdits = 2000;

    public static LineDiffResult Compare(string from, string to, int context, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        string[] a = Lines(from);
        string[] b = Lines(to);
        int head = 0;
        while (head < a.Length && head < b.Length && a[head] == b[head])
        {
            head++;
        }

        int tail = 0;
        while (tail < a.Length - head && tail < b.Length - head && a[a.Length - 1 - tail] == b[b.Length - 1 - tail])
        {
            tail++;
        }

        var edits = new List<Edit>(a.Length + b.Length);
        for (int i = 0; i < head; i++)
        {
            edits.Add(new Edit(' ', i, i));
        }

        bool coarse = !Middle(a, b, head, a.Length - tail, head, b.Length - tail, edits);
        for (int i = 0; i < tail; i++)
        {
            edits.Add(new Edit(' ', a.Length - tail + i, b.Length - tail + i));
        }

        int added = edits.Count(e => e.Op == '+');
        int removed = edits.Count(e => e.Op == '-');
        (string text, bool truncated) = Render(edits, a, b, context, maxChars);
        return new LineDiffResult(added, removed, text, truncated, coarse);
    }

    private static string[] Lines(string text) =>
        text.Length == 0 ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');

    /// <summary>Appends the shortest edit script of a[aStart..aEnd) to b[bStart..bEnd); false when it was above <see cref="MaxEdits"/>.</summary>
    private static bool Middle(string[] a, string[] b, int aStart, int aEnd, int bStart, int bEnd, List<Edit> edits)
    {
        int n = aEnd - aStart;
        int m = bEnd - bStart;
        int max = Math.Min(n + m, MaxEdits);
        // trace[d] holds V for k in [-d, d] (index k + d) after step d.
        var trace = new List<int[]>();
        int[] v = [0, 0];
        int found = -1;
        for (int d = 0; d <= max && found < 0; d++)
        {
            int[] next = new int[(2 * d) + 1];
            for (int k = -d; k <= d; k += 2)
            {
                int x = k == -d || (k != d && Get(v, d - 1, k - 1) < Get(v, d - 1, k + 1))
                    ? Get(v, d - 1, k + 1)
                    : Get(v, d - 1, k - 1) + 1;
                int y = x - k;
                while (x < n && y < m && a[aStart + x] == b[bStart + y])
                {
                    x++;
                    y++;
                }

                next[k + d] = x;
                if (x >= n && y >= m)
                {
                    found = d;
                }
            }

            trace.Add(next);
            v = next;
        }

        if (found < 0)
        {
            for (int i = aStart; i < aEnd; i++)
            {
                edits.Add(new Edit('-', i, -1));
            }

            for (int j = bStart; j < bEnd; j++)
            {
                edits.Add(new Edit('+', -1, j));
            }

            return false;
        }

        var script = new List<Edit>();
        int cx = n;
        int cy = m;
        for (int d = found; d > 0; d--)
        {
            int[] previous = trace[d - 1];
            int k = cx - cy;
            bool down = k == -d || (k != d && Get(previous, d - 1, k - 1) < Get(previous, d - 1, k + 1));
            int pk = down ? k + 1 : k - 1;
            int px = Get(previous, d - 1, pk);
            int py = px - pk;
            while (cx > px + (down ? 0 : 1) && cy > py + (down ? 1 : 0))
            {
                cx--;
                cy--;
                script.Add(new Edit(' ', aStart + cx, bStart + cy));
            }

            if (down)
            {
                cy--;
                script.Add(new Edit('+', -1, bStart + cy));
            }
            else
            {
                cx--;
                script.Add(new Edit('-', aStart + cx, -1));
            }
        }

        while (cx > 0 && cy > 0)
        {
            cx--;
            cy--;
            script.Add(new Edit(' ', aStart + cx, bStart + cy));
        }

        script.Reverse();
        edits.AddRange(script);
        return true;
    }

    private static int Get(int[] v, int d, int k) => k < -d || k > d ? 0 : v[k + d];

    /// <summary>Hunks with <paramref name="context"/> unchanged lines around each change, headed <c>@@ -from +to @@</c>, cut at <paramref name="maxChars"/>.</summary>
    private static (string Text, bool Truncated) Render(List<Edit> edits, string[] a, string[] b, int context, int maxChars)
    {
        var text = new StringBuilder();
        int i = 0;
        while (i < edits.Count)
        {
            int change = edits.FindIndex(i, e => e.Op != ' ');
            if (change < 0)
            {
                break;
            }

            int start = Math.Max(i, change - context);
            int end = change;
            // A hunk runs on while the next change is within 2 × context unchanged lines.
            for (int j = change, quiet = 0; j < edits.Count; j++)
            {
                quiet = edits[j].Op == ' ' ? quiet + 1 : 0;
                if (quiet > 2 * context)
                {
                    break;
                }

                end = j;
            }

            end = Math.Min(edits.Count - 1, LastChange(edits, start, end) + context);
            string header = string.Create(CultureInfo.InvariantCulture,
                $"@@ -{LineNumber(edits, start, fromSide: true)} +{LineNumber(edits, start, fromSide: false)} @@\n");
            if (!Append(text, header, maxChars))
            {
                return (text.ToString(), true);
            }

            for (int j = start; j <= end; j++)
            {
                Edit e = edits[j];
                string line = e.Op + (e.Op == '+' ? b[e.To] : a[e.From]) + "\n";
                if (!Append(text, line, maxChars))
                {
                    return (text.ToString(), true);
                }
            }

            i = end + 1;
        }

        return (text.ToString(), false);
    }

    private static int LastChange(List<Edit> edits, int start, int end)
    {
        for (int j = end; j >= start; j--)
        {
            if (edits[j].Op != ' ')
            {
                return j;
            }
        }

        return end;
    }

    /// <summary>The 1-based line number, in the old or new text, of the first line at or after edit <paramref name="index"/>.</summary>
    private static int LineNumber(List<Edit> edits, int index, bool fromSide)
    {
        for (int j = index; j < edits.Count; j++)
        {
            int line = fromSide ? edits[j].From : edits[j].To;
            if (line >= 0)
            {
                return line + 1;
            }
        }

        return 0;
    }

    private static bool Append(StringBuilder text, string piece, int maxChars)
    {
        if (text.Length + piece.Length > maxChars)
        {
            return false;
        }

        text.Append(piece);
        return true;
    }

    /// <summary>One line of the script: ' ' kept (both indices), '-' removed (From), '+' added (To).</summary>
    private readonly record struct Edit(char Op, int From, int To);
}

/// <summary>A compact diff: counts of added and removed lines, the hunks, whether the text was cut, whether the script is coarse.</summary>
public sealed record LineDiffResult(int Added, int Removed, string Text, bool Truncated, bool Coarse);
