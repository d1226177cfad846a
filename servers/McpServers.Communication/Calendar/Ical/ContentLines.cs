using System.Globalization;
using System.Text;

namespace McpServers.Communication.Calendar.Ical;

/// <summary>
/// Writes iCalendar (RFC 5545 §3.1) content lines: <c>NAME;PARAM=value:value</c>, each ended by CRLF and folded so no
/// line is longer than 75 octets of UTF-8 (a fold never splits a character). Values are checked, never repaired: a CR,
/// LF or other control character in a value or parameter, or a DQUOTE in a parameter, is a bug of the caller (inputs are
/// refused before they get here) and throws, because it could start a forged property or component.
/// </summary>
internal sealed class ContentLines
{
    /// <summary>RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.</summary>
    public const int MaxLineOctets = 75;

    private readonly StringBuilder _text = new();

    /// <summary>A property whose value is already in its type's form (a date-time, a URI, a number, a keyword).</summary>
    public ContentLines Property(string name, string value, params ReadOnlySpan<(string Name, string Value)> parameters)
    {
        CheckValue(value, name);
        return Line(name, value, parameters);
    }

    /// <summary>A TEXT property (§3.3.11): backslash, semicolon and comma escaped, a line break written as <c>\n</c>.</summary>
    public ContentLines Text(string name, string text, params ReadOnlySpan<(string Name, string Value)> parameters)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Line(name, EscapeText(text), parameters);
    }

    public ContentLines Begin(string component) => Property("BEGIN", component);

    public ContentLines End(string component) => Property("END", component);

    /// <summary>The calendar object: every line CRLF-terminated.</summary>
    public override string ToString() => _text.ToString();

    /// <summary>§3.3.11 TEXT: <c>\\</c>, <c>\;</c>, <c>\,</c> and <c>\n</c>; tab is allowed as is; any other control character throws.</summary>
    public static string EscapeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\\':
                    escaped.Append(@"\\");
                    break;
                case ';':
                    escaped.Append(@"\;");
                    break;
                case ',':
                    escaped.Append(@"\,");
                    break;
                case '\n':
                    escaped.Append(@"\n");
                    break;
                case '\t':
                    escaped.Append(c);
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        throw new ArgumentException("A TEXT value holds a control character other than a line break or tab.", nameof(text));
                    }

                    escaped.Append(c);
                    break;
            }
        }

        return escaped.ToString();
    }

    /// <summary>
    /// §3.2 param-value: quoted when it holds <c>:</c>, <c>;</c> or <c>,</c>; a DQUOTE or control character cannot be
    /// written in one (RFC 6868's caret escapes are not understood by every client) and throws.
    /// </summary>
    public static string ParameterValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('"', StringComparison.Ordinal) || value.Any(char.IsControl))
        {
            throw new ArgumentException("A parameter value holds a double quote or a control character.", nameof(value));
        }

        return value.AsSpan().IndexOfAny(':', ';', ',') >= 0 ? $"\"{value}\"" : value;
    }

    private ContentLines Line(string name, string value, ReadOnlySpan<(string Name, string Value)> parameters)
    {
        var line = new StringBuilder(name.Length + value.Length + 16);
        line.Append(Name(name));
        foreach ((string parameterName, string parameterValue) in parameters)
        {
            line.Append(';').Append(Name(parameterName)).Append('=').Append(ParameterValue(parameterValue));
        }

        line.Append(':').Append(value);
        Fold(line.ToString(), _text);
        return this;
    }

    /// <summary>
    /// Appends <paramref name="line"/> folded (§3.1): a CRLF and one space before each continuation, so that every
    /// physical line holds at most <see cref="MaxLineOctets"/> octets; breaks fall between whole characters (runes),
    /// never inside a multi-octet UTF-8 sequence or a surrogate pair.
    /// </summary>
    public static void Fold(string line, StringBuilder output)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(output);
        int octets = 0;
        foreach (Rune rune in line.EnumerateRunes())
        {
            int size = rune.Utf8SequenceLength;
            if (octets + size > MaxLineOctets)
            {
                output.Append("\r\n ");
                octets = 1;
            }

            output.Append(rune.ToString());
            octets += size;
        }

        output.Append("\r\n");
    }

    private static string Name(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '-')
            ? name
            : throw new ArgumentException($"'{name}' is not an iCalendar name.", nameof(name));

    private static void CheckValue(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Any(char.IsControl))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The value of {name} holds a control character."), nameof(value));
        }
    }
}
