using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace McpServers.Shared.Validation;

/// <summary>
/// Turns a JSON Schema pattern (ECMA-262 dialect) into a .NET <see cref="Regex"/> with the same meaning where the two
/// differ in ways that matter for validation: \d, \w, \s and \b are ASCII/ECMA sets (in .NET \d also matches Arabic
/// or Bengali digits), "$" is end of input only (.NET also matches before a final "\n"), "." does not match line
/// terminators, and ECMA class syntax ("[]", "[^]", a literal "[" inside a class) is kept literal.
/// .NET-only syntax (inline options, atomic groups, \A, \Z, ...) is refused rather than silently accepted.
/// </summary>
internal static class EcmaRegex
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private static readonly (int From, int To)[] DigitSet = [('0', '9')];

    private static readonly (int From, int To)[] WordSet = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];

    // ECMA-262 WhiteSpace and LineTerminator code points.
    private static readonly (int From, int To)[] SpaceSet =
    [
        (0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029),
        (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF),
    ];

    private const string WordChar = "[0-9A-Z_a-z]";

    // ECMA property names that .NET spells with the short general-category code.
    private static readonly Dictionary<string, string> CategoryNames = new(StringComparer.Ordinal)
    {
        ["Letter"] = "L",
        ["Cased_Letter"] = "LC",
        ["Uppercase_Letter"] = "Lu",
        ["Lowercase_Letter"] = "Ll",
        ["Titlecase_Letter"] = "Lt",
        ["Modifier_Letter"] = "Lm",
        ["Other_Letter"] = "Lo",
        ["Mark"] = "M",
        ["Nonspacing_Mark"] = "Mn",
        ["Spacing_Mark"] = "Mc",
        ["Enclosing_Mark"] = "Me",
        ["Number"] = "N",
        ["Decimal_Number"] = "Nd",
        ["digit"] = "Nd",
        ["Letter_Number"] = "Nl",
        ["Other_Number"] = "No",
        ["Punctuation"] = "P",
        ["punct"] = "P",
        ["Connector_Punctuation"] = "Pc",
        ["Dash_Punctuation"] = "Pd",
        ["Open_Punctuation"] = "Ps",
        ["Close_Punctuation"] = "Pe",
        ["Initial_Punctuation"] = "Pi",
        ["Final_Punctuation"] = "Pf",
        ["Other_Punctuation"] = "Po",
        ["Symbol"] = "S",
        ["Math_Symbol"] = "Sm",
        ["Currency_Symbol"] = "Sc",
        ["Modifier_Symbol"] = "Sk",
        ["Other_Symbol"] = "So",
        ["Separator"] = "Z",
        ["Space_Separator"] = "Zs",
        ["Line_Separator"] = "Zl",
        ["Paragraph_Separator"] = "Zp",
        ["Other"] = "C",
        ["Control"] = "Cc",
        ["cntrl"] = "Cc",
        ["Format"] = "Cf",
        ["Surrogate"] = "Cs",
        ["Private_Use"] = "Co",
        ["Unassigned"] = "Cn",
    };

    /// <summary>Compiles the pattern; throws <see cref="ArgumentException"/> with a reason when it cannot be supported.</summary>
    public static Regex Create(string pattern)
    {
        string translated = Translate(pattern);
        try
        {
            // The non-backtracking engine runs in linear time, so honest inputs never hit the timeout; it does not
            // support lookarounds or backreferences, for which the backtracking engine with a timeout is used.
            return new Regex(translated, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, MatchTimeout);
        }
        catch (NotSupportedException)
        {
            return new Regex(translated, RegexOptions.CultureInvariant, MatchTimeout);
        }
    }

    internal static string Translate(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 16);
        bool inClass = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length)
                {
                    throw new ArgumentException("the pattern ends with a lone backslash");
                }

                i = TranslateEscape(pattern, i + 1, inClass, sb);
                continue;
            }

            if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                    sb.Append(']');
                }
                else if (c == '[')
                {
                    // Literal in ECMA; in .NET "-[" would start a class subtraction.
                    sb.Append("\\[");
                }
                else
                {
                    sb.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '[':
                    if (string.CompareOrdinal(pattern, i, "[]", 0, 2) == 0)
                    {
                        sb.Append("(?!)");
                        i++;
                    }
                    else if (string.CompareOrdinal(pattern, i, "[^]", 0, 3) == 0)
                    {
                        sb.Append("[\\s\\S]");
                        i += 2;
                    }
                    else
                    {
                        inClass = true;
                        sb.Append('[');
                        if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                        {
                            sb.Append('^');
                            i++;
                        }
                    }

                    break;
                case '.':
                    // One code point, not one UTF-16 unit, and never a line terminator.
                    sb.Append("(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[^\\n\\r\\u2028\\u2029])");
                    break;
                case '$':
                    sb.Append("\\z");
                    break;
                case '(':
                    CheckGroup(pattern, i);
                    sb.Append('(');
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        if (inClass)
        {
            throw new ArgumentException("a character class is not closed");
        }

        return sb.ToString();
    }

    private static void CheckGroup(string pattern, int open)
    {
        if (open + 1 >= pattern.Length || pattern[open + 1] != '?')
        {
            return;
        }

        string rest = pattern[(open + 2)..];
        if (rest.StartsWith(':') || rest.StartsWith('=') || rest.StartsWith('!') || rest.StartsWith("<=", StringComparison.Ordinal)
            || rest.StartsWith("<!", StringComparison.Ordinal) || (rest.StartsWith('<') && rest.Length > 1 && char.IsAsciiLetter(rest[1])))
        {
            return;
        }

        throw new ArgumentException("the group syntax (?" + (rest.Length > 0 ? rest[0] : ' ') + " is not ECMA-262");
    }

    // Returns the index of the last character consumed.
    private static int TranslateEscape(string pattern, int i, bool inClass, StringBuilder sb)
    {
        char e = pattern[i];
        switch (e)
        {
            case 'd':
                AppendSet(sb, DigitSet, negate: false, inClass);
                return i;
            case 'D':
                AppendSet(sb, DigitSet, negate: true, inClass);
                return i;
            case 'w':
                AppendSet(sb, WordSet, negate: false, inClass);
                return i;
            case 'W':
                AppendSet(sb, WordSet, negate: true, inClass);
                return i;
            case 's':
                AppendSet(sb, SpaceSet, negate: false, inClass);
                return i;
            case 'S':
                AppendSet(sb, SpaceSet, negate: true, inClass);
                return i;
            case 'b' when !inClass:
                sb.Append($"(?:(?<={WordChar})(?!{WordChar})|(?<!{WordChar})(?={WordChar}))");
                return i;
            case 'B' when !inClass:
                sb.Append($"(?:(?<={WordChar})(?={WordChar})|(?<!{WordChar})(?!{WordChar}))");
                return i;
            case 'p' or 'P':
                return TranslateProperty(pattern, i, sb);
            case 'u' when i + 1 < pattern.Length && pattern[i + 1] == '{':
                return TranslateCodePoint(pattern, i, inClass, sb);
            case 'b' or 'f' or 'n' or 'r' or 't' or 'v' or 'c' or 'x' or 'u' or 'k' or '0':
                sb.Append('\\').Append(e);
                return i;
            default:
                if (char.IsAsciiLetter(e))
                {
                    // \A, \Z, \z, \G, \e ... mean something else (or nothing) in ECMA-262.
                    throw new ArgumentException($"the escape \\{e} is not ECMA-262");
                }

                sb.Append('\\').Append(e);
                return i;
        }
    }

    private static int TranslateProperty(string pattern, int i, StringBuilder sb)
    {
        int close = pattern.IndexOf('}', i);
        if (i + 1 >= pattern.Length || pattern[i + 1] != '{' || close < 0)
        {
            throw new ArgumentException("\\p must be followed by {Property}");
        }

        string name = pattern[(i + 2)..close];
        if (name.StartsWith("General_Category=", StringComparison.Ordinal) || name.StartsWith("gc=", StringComparison.Ordinal))
        {
            name = name[(name.IndexOf('=', StringComparison.Ordinal) + 1)..];
        }

        string shortName = CategoryNames.TryGetValue(name, out string? mapped) ? mapped : name;
        if (shortName.Length > 2 || shortName.Length == 0 || !char.IsAsciiLetterUpper(shortName[0]))
        {
            // Scripts and binary properties (Script=Greek, Emoji, ...) have no .NET equivalent.
            throw new ArgumentException($"the Unicode property {name} is not supported");
        }

        sb.Append('\\').Append(pattern[i]).Append('{').Append(shortName).Append('}');
        return close;
    }

    private static int TranslateCodePoint(string pattern, int i, bool inClass, StringBuilder sb)
    {
        int close = pattern.IndexOf('}', i);
        if (close < 0 || !int.TryParse(pattern.AsSpan(i + 2, close - i - 2), NumberStyles.AllowHexSpecifier,
                CultureInfo.InvariantCulture, out int codePoint) || codePoint > 0x10FFFF)
        {
            throw new ArgumentException("\\u{...} is not a valid code point escape");
        }

        if (codePoint <= 0xFFFF)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\\u{codePoint:X4}");
        }
        else if (inClass)
        {
            throw new ArgumentException("code points above U+FFFF inside a character class are not supported");
        }
        else
        {
            string pair = char.ConvertFromUtf32(codePoint);
            sb.Append(CultureInfo.InvariantCulture, $"(?:\\u{(int)pair[0]:X4}\\u{(int)pair[1]:X4})");
        }

        return close;
    }

    private static void AppendSet(StringBuilder sb, (int From, int To)[] set, bool negate, bool inClass)
    {
        IEnumerable<(int From, int To)> ranges = negate ? Complement(set) : set;
        if (!inClass)
        {
            sb.Append('[');
        }

        foreach ((int from, int to) in ranges)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\\u{from:X4}");
            if (to != from)
            {
                sb.Append(CultureInfo.InvariantCulture, $"-\\u{to:X4}");
            }
        }

        if (!inClass)
        {
            sb.Append(']');
        }
    }

    private static List<(int From, int To)> Complement((int From, int To)[] set)
    {
        var result = new List<(int From, int To)>();
        int next = 0;
        foreach ((int from, int to) in set)
        {
            if (from > next)
            {
                result.Add((next, from - 1));
            }

            next = to + 1;
        }

        if (next <= 0xFFFF)
        {
            result.Add((next, 0xFFFF));
        }

        return result;
    }
}
