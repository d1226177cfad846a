using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace McpServers.Shared.Validation;

/// <summary>A compiled schema pattern and the engine it runs on.</summary>
internal sealed class EcmaPattern(Regex regex, bool backtracking)
{
    public Regex Regex { get; } = regex;

    /// <summary>True when the pattern runs on the backtracking engine (with <see cref="EcmaRegex.BacktrackingTimeout"/>).</summary>
    public bool Backtracking { get; } = backtracking;
}

/// <summary>
/// Turns a JSON Schema pattern (ECMA-262 with the <c>u</c> flag, which is how JSON Schema 2020-12 reads patterns) into a
/// .NET <see cref="Regex"/> with the same meaning. The pattern is parsed with the strict u-flag grammar; whatever that
/// grammar refuses, and backreferences, are refused here instead of being read with .NET's different meaning.
/// Matching is by code point: every translated atom consumes either one BMP character or one whole surrogate pair,
/// never half of a pair, so ".", negated classes, \P{..} and astral characters count characters the way JSON Schema
/// does. (Instances never hold unpaired surrogates: the validator refuses them before any pattern runs.)
/// Engine choice: the linear-time non-backtracking engine, without a timeout, so the verdict never depends on machine
/// load. Patterns it cannot run (lookarounds, \b, or too large for its automaton limit) need the backtracking engine;
/// they are accepted only when the same schema bounds the length with maxLength, and then run with a generous fixed
/// timeout. Everything else is refused when the tool is registered.
/// </summary>
internal static class EcmaRegex
{
    /// <summary>Match timeout for patterns on the backtracking engine; generous, since their input length is capped.</summary>
    public static readonly TimeSpan BacktrackingTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The largest maxLength under which a backtracking-engine pattern is accepted.</summary>
    public const long MaxLengthForBacktracking = 10_000;

    // Repetition counts above this are refused: nothing real needs them and they only blow up the automaton.
    private const int MaxRepeat = 100_000;

    private const int MaxCodePoint = 0x10FFFF;

    private static readonly CodePointSet DigitSet = CodePointSet.Of(('0', '9'));

    private static readonly CodePointSet WordSet = CodePointSet.Of(('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z'));

    // ECMA-262 WhiteSpace and LineTerminator code points.
    private static readonly CodePointSet SpaceSet = CodePointSet.Of(
        (0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029),
        (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF));

    // "." matches any code point except the ECMA-262 line terminators.
    private static readonly CodePointSet DotSet = CodePointSet.Of((0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)).Complement();

    private const string WordChar = "[0-9A-Z_a-z]";

    // General_Category values by long name, short name and the aliases ECMA-262 accepts (Unicode PropertyValueAliases).
    private static readonly Dictionary<string, UnicodeCategory[]> Categories = BuildCategories();

    private static readonly ConcurrentDictionary<string, CodePointSet> PropertySets = new(StringComparer.Ordinal);

    // Every code point's general category, computed once (one pass over U+0000..U+10FFFF) when a \p{..} first appears.
    private static readonly Lazy<Dictionary<UnicodeCategory, CodePointSet>> CategorySets = new(BuildCategorySets);

    // Compiled linear-engine regexes by translated text. Building the automaton for a Unicode property costs a second
    // or more (its astral part is many surrogate-pair classes), so each distinct pattern pays it once per process;
    // Regex instances are thread-safe and the set of patterns is bounded by the registered schemas.
    private static readonly ConcurrentDictionary<string, Regex> LinearRegexes = new(StringComparer.Ordinal);

    /// <summary>
    /// Compiles <paramref name="pattern"/>; <paramref name="maxLength"/> is the sibling maxLength keyword, if any.
    /// Throws <see cref="ArgumentException"/> with a reason when the pattern cannot be enforced exactly.
    /// </summary>
    public static EcmaPattern Create(string pattern, long? maxLength)
    {
        string translated = Translate(pattern, out bool needsBacktracking);
        string? whyBacktracking = needsBacktracking ? "it uses lookarounds or \\b/\\B" : null;
        if (!needsBacktracking)
        {
            try
            {
                // No timeout: this engine is linear in the input, so honest inputs can never be refused for being slow.
                return new EcmaPattern(LinearRegexes.GetOrAdd(translated, static t => new Regex(t, RegexOptions.NonBacktracking)),
                    backtracking: false);
            }
            catch (NotSupportedException)
            {
                // The only construct we emit that it refuses is size: counted repetitions unroll into its automaton.
                whyBacktracking = "it is too large for the linear-time regex engine (lower its repetition counts)";
            }
        }

        if (maxLength is null || maxLength > MaxLengthForBacktracking)
        {
            throw new ArgumentException(
                $"{whyBacktracking}, so it needs the backtracking engine, which is only used when the same schema sets maxLength (at most {MaxLengthForBacktracking})");
        }

        // An unanchored search may start between the halves of a surrogate pair, where lookarounds see no character
        // (ECMA-262 with u never starts there): "(?<!.)(?!.)" matched "😀". Never start after a high surrogate.
        return new EcmaPattern(new Regex(@"(?<![\uD800-\uDBFF])(?:" + translated + ")", RegexOptions.None, BacktrackingTimeout), backtracking: true);
    }

    /// <summary>The .NET pattern for an ECMA-262 (u flag) pattern; throws <see cref="ArgumentException"/> if it is not one.</summary>
    internal static string Translate(string pattern, out bool needsBacktracking)
    {
        var translator = new Translator(pattern);
        string result = translator.Run();
        needsBacktracking = translator.NeedsBacktracking;
        return result;
    }

    private sealed class Translator(string pattern)
    {
        private readonly StringBuilder _out = new(pattern.Length * 2 + 16);
        private readonly HashSet<string> _groupNames = new(StringComparer.Ordinal);
        private int _pos;

        public bool NeedsBacktracking { get; private set; }

        public string Run()
        {
            Disjunction();
            if (_pos < pattern.Length)
            {
                // Disjunction stops only at an unmatched ")".
                throw Error("unmatched )");
            }

            return _out.ToString();
        }

        private bool More => _pos < pattern.Length;

        private char Peek(int ahead = 0) => _pos + ahead < pattern.Length ? pattern[_pos + ahead] : '\0';

        private ArgumentException Error(string what) =>
            new($"{what} (at position {_pos.ToString(CultureInfo.InvariantCulture)}; patterns are ECMA-262 regular expressions with the u flag)");

        private void Disjunction()
        {
            while (true)
            {
                while (More && Peek() is not ('|' or ')'))
                {
                    Term();
                }

                if (More && Peek() == '|')
                {
                    _pos++;
                    _out.Append('|');
                    continue;
                }

                return;
            }
        }

        private void Term()
        {
            char c = Peek();
            switch (c)
            {
                case '^':
                    _pos++;
                    _out.Append('^');
                    NoQuantifier("^");
                    return;
                case '$':
                    _pos++;
                    // End of input only; .NET's "$" also matches before a final "\n".
                    _out.Append("\\z");
                    NoQuantifier("$");
                    return;
                case '\\' when Peek(1) is 'b' or 'B':
                    // ECMA word boundaries use the ASCII word set; .NET's \b uses Unicode letters, hence lookarounds.
                    bool boundary = Peek(1) == 'b';
                    _pos += 2;
                    _out.Append(boundary
                        ? $"(?:(?<={WordChar})(?!{WordChar})|(?<!{WordChar})(?={WordChar}))"
                        : $"(?:(?<={WordChar})(?={WordChar})|(?<!{WordChar})(?!{WordChar}))");
                    NeedsBacktracking = true;
                    NoQuantifier("\\b");
                    return;
                case '(':
                    Group();
                    return;
                case '*' or '+' or '?' or '{':
                    throw Error($"nothing to repeat before {c}");
                case '}' or ']':
                    throw Error($"a lone {c} must be escaped");
                default:
                    Atom();
                    Quantifier();
                    return;
            }
        }

        private void Group()
        {
            _pos++;
            string? lookaround = null;
            if (Peek() == '?')
            {
                if (Peek(1) == ':')
                {
                    _pos += 2;
                }
                else if (Peek(1) is '=' or '!')
                {
                    lookaround = pattern.Substring(_pos, 2);
                    _pos += 2;
                }
                else if (Peek(1) == '<' && Peek(2) is '=' or '!')
                {
                    lookaround = pattern.Substring(_pos, 3);
                    _pos += 3;
                }
                else if (Peek(1) == '<')
                {
                    _pos += 2;
                    GroupName();
                }
                else
                {
                    throw Error($"the group syntax (?{Peek(1)} is not ECMA-262");
                }
            }

            // Captures are irrelevant to a yes/no match (backreferences are refused), so every group is non-capturing.
            _out.Append(lookaround is null ? "(?:" : "(" + lookaround);
            Disjunction();
            if (Peek() != ')' || !More)
            {
                throw Error("a group is not closed");
            }

            _pos++;
            _out.Append(')');
            if (lookaround is null)
            {
                Quantifier();
            }
            else
            {
                NeedsBacktracking = true;
                NoQuantifier("a lookaround");
            }
        }

        private void GroupName()
        {
            int start = _pos;
            while (More && (char.IsAsciiLetterOrDigit(Peek()) || Peek() is '_' or '$'))
            {
                _pos++;
            }

            string name = pattern[start.._pos];
            if (name.Length == 0 || char.IsAsciiDigit(name[0]) || Peek() != '>')
            {
                throw Error("a group name must be an ASCII identifier followed by >");
            }

            if (!_groupNames.Add(name))
            {
                throw Error($"the group name {name} is used twice");
            }

            _pos++;
        }

        private void Atom()
        {
            char c = Peek();
            switch (c)
            {
                case '.':
                    _pos++;
                    Emit(DotSet);
                    return;
                case '[':
                    _pos++;
                    Emit(CharacterClass());
                    return;
                case '\\':
                    _pos++;
                    if (!More)
                    {
                        throw Error("the pattern ends with a lone backslash");
                    }

                    char e = Peek();
                    if (e is >= '1' and <= '9')
                    {
                        throw Error("backreferences are not supported");
                    }

                    if (e == 'k')
                    {
                        throw Error("named backreferences (\\k) are not supported");
                    }

                    Emit(ClassEscapeOrNull() ?? CodePointSet.Single(CharacterEscape(inClass: false)));
                    return;
                default:
                    Emit(CodePointSet.Single(SourceCodePoint()));
                    return;
            }
        }

        private void Quantifier()
        {
            char c = Peek();
            if (c is '*' or '+' or '?')
            {
                _pos++;
                _out.Append(c);
            }
            else if (c == '{')
            {
                _pos++;
                int min = Count();
                int? max = min;
                if (Peek() == ',')
                {
                    _pos++;
                    max = Peek() == '}' ? null : Count();
                }

                if (Peek() != '}')
                {
                    throw Error("a {n,m} repetition is not closed");
                }

                _pos++;
                if (max < min)
                {
                    throw Error("numbers out of order in a {n,m} repetition");
                }

                _out.Append(CultureInfo.InvariantCulture, $"{{{min},{(max is int m ? m.ToString(CultureInfo.InvariantCulture) : "")}}}");
            }
            else
            {
                return;
            }

            if (Peek() == '?')
            {
                // Lazy and greedy repetition accept the same strings; only the match found differs.
                _pos++;
            }

            if (Peek() is '*' or '+' or '?' or '{')
            {
                throw Error("nothing to repeat (a quantifier follows a quantifier)");
            }
        }

        private void NoQuantifier(string what)
        {
            if (Peek() is '*' or '+' or '?' or '{')
            {
                throw Error($"{what} cannot be repeated");
            }
        }

        private int Count()
        {
            int start = _pos;
            long value = 0;
            while (More && char.IsAsciiDigit(Peek()))
            {
                value = Math.Min(value * 10 + (Peek() - '0'), MaxRepeat + 1L);
                _pos++;
            }

            if (_pos == start)
            {
                throw Error("a { must start a {n,m} repetition (escape a literal {)");
            }

            if (value > MaxRepeat)
            {
                throw Error($"repetition counts above {MaxRepeat} are not supported");
            }

            return (int)value;
        }

        private CodePointSet CharacterClass()
        {
            bool negate = false;
            if (Peek() == '^')
            {
                negate = true;
                _pos++;
            }

            var set = new CodePointSet();
            while (true)
            {
                if (!More)
                {
                    throw Error("a character class is not closed");
                }

                if (Peek() == ']')
                {
                    _pos++;
                    break;
                }

                (int from, CodePointSet? fromSet) = ClassAtom();
                if (Peek() == '-' && Peek(1) != ']' && _pos + 1 < pattern.Length)
                {
                    _pos++;
                    (int to, CodePointSet? toSet) = ClassAtom();
                    if (fromSet is not null || toSet is not null)
                    {
                        // With the u flag, [%-\d] is a syntax error (without it, Annex B reads "-" literally).
                        throw Error("a class escape such as \\d cannot be the end of a range");
                    }

                    if (to < from)
                    {
                        throw Error("range out of order in a character class");
                    }

                    set.Add(from, to);
                }
                else if (fromSet is not null)
                {
                    set.Add(fromSet);
                }
                else
                {
                    set.Add(from, from);
                }
            }

            return negate ? set.Complement() : set;
        }

        private (int CodePoint, CodePointSet? Set) ClassAtom()
        {
            if (Peek() != '\\')
            {
                return (SourceCodePoint(), null);
            }

            _pos++;
            if (!More)
            {
                throw Error("the pattern ends with a lone backslash");
            }

            switch (Peek())
            {
                case 'b':
                    _pos++;
                    return (0x08, null);
                case '-':
                    _pos++;
                    return ('-', null);
                default:
                    CodePointSet? set = ClassEscapeOrNull();
                    return set is not null ? (0, set) : (CharacterEscape(inClass: true), null);
            }
        }

        // \d \D \s \S \w \W \p{..} \P{..}, or null (nothing consumed) when the escape is something else.
        private CodePointSet? ClassEscapeOrNull()
        {
            char e = Peek();
            switch (e)
            {
                case 'd': _pos++; return DigitSet;
                case 'D': _pos++; return DigitSet.Complement();
                case 'w': _pos++; return WordSet;
                case 'W': _pos++; return WordSet.Complement();
                case 's': _pos++; return SpaceSet;
                case 'S': _pos++; return SpaceSet.Complement();
                case 'p' or 'P':
                    _pos++;
                    CodePointSet property = Property();
                    return e == 'P' ? property.Complement() : property;
                default:
                    return null;
            }
        }

        private CodePointSet Property()
        {
            int close = pattern.IndexOf('}', _pos);
            if (Peek() != '{' || close < 0)
            {
                throw Error("\\p must be followed by {Property}");
            }

            string name = pattern[(_pos + 1)..close];
            _pos = close + 1;
            return PropertySet(name) ?? throw Error(
                $"the Unicode property {name} is not supported (supported: General_Category values such as L, Lu, Nd, and Any, ASCII, Assigned)");
        }

        // ECMA-262 CharacterEscape with the u flag; returns the code point.
        private int CharacterEscape(bool inClass)
        {
            char e = Peek();
            _pos++;
            switch (e)
            {
                case 'f': return '\f';
                case 'n': return '\n';
                case 'r': return '\r';
                case 't': return '\t';
                case 'v': return '\v';
                case 'c':
                    if (!char.IsAsciiLetter(Peek()))
                    {
                        throw Error("\\c must be followed by an ASCII letter");
                    }

                    return pattern[_pos++] % 32;
                case '0':
                    if (char.IsAsciiDigit(Peek()))
                    {
                        // .NET would read \01 as an octal escape; ECMA-262 with the u flag forbids it.
                        throw Error("octal escapes such as \\01 are not ECMA-262");
                    }

                    return 0;
                case 'x':
                    return Hex(2);
                case 'u':
                    return UnicodeEscape();
                default:
                    if ("^$\\.*+?()[]{}|/".Contains(e, StringComparison.Ordinal) || (inClass && e == '-'))
                    {
                        return e;
                    }

                    _pos--;
                    throw Error($"the escape \\{e} is not ECMA-262 (with the u flag only syntax characters may be escaped)");
            }
        }

        private int UnicodeEscape()
        {
            if (Peek() == '{')
            {
                int close = pattern.IndexOf('}', _pos);
                if (close < 0 || close == _pos + 1 || close - _pos > 9
                    || !int.TryParse(pattern.AsSpan(_pos + 1, close - _pos - 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value)
                    || value > MaxCodePoint)
                {
                    throw Error("\\u{...} is not a valid code point escape");
                }

                _pos = close + 1;
                return value;
            }

            int unit = Hex(4);
            // With the u flag, an escaped surrogate pair is one code point.
            if (char.IsHighSurrogate((char)unit) && Peek() == '\\' && Peek(1) == 'u' && _pos + 6 <= pattern.Length
                && int.TryParse(pattern.AsSpan(_pos + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int low)
                && char.IsLowSurrogate((char)low))
            {
                _pos += 6;
                return char.ConvertToUtf32((char)unit, (char)low);
            }

            return unit;
        }

        private int Hex(int digits)
        {
            if (_pos + digits > pattern.Length
                || !int.TryParse(pattern.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value))
            {
                throw Error($"expected {digits} hexadecimal digits");
            }

            _pos += digits;
            return value;
        }

        private int SourceCodePoint()
        {
            char c = pattern[_pos++];
            if (char.IsHighSurrogate(c) && More && char.IsLowSurrogate(Peek()))
            {
                return char.ConvertToUtf32(c, pattern[_pos++]);
            }

            return c;
        }

        private void Emit(CodePointSet set) => set.AppendRegex(_out);
    }

    private static CodePointSet? PropertySet(string name)
    {
        if (PropertySets.TryGetValue(name, out CodePointSet? cached))
        {
            return cached;
        }

        string value = name;
        int eq = name.IndexOf('=', StringComparison.Ordinal);
        if (eq >= 0)
        {
            if (name[..eq] is not ("General_Category" or "gc"))
            {
                return null;
            }

            value = name[(eq + 1)..];
        }

        CodePointSet? set;
        if (Categories.TryGetValue(value, out UnicodeCategory[]? categories))
        {
            set = new CodePointSet();
            foreach (UnicodeCategory category in categories)
            {
                if (CategorySets.Value.TryGetValue(category, out CodePointSet? members))
                {
                    set.Add(members);
                }
            }

            set.Normalise();
        }
        else if (eq >= 0)
        {
            return null;
        }
        else
        {
            set = value switch
            {
                "Any" => CodePointSet.Of((0, MaxCodePoint)),
                "ASCII" => CodePointSet.Of((0, 0x7F)),
                "Assigned" => CategorySets.Value.TryGetValue(UnicodeCategory.OtherNotAssigned, out CodePointSet? unassigned)
                    ? unassigned.Complement()
                    : CodePointSet.Of((0, MaxCodePoint)),
                _ => null,
            };
        }

        return set is null ? null : PropertySets.GetOrAdd(name, set);
    }

    private static Dictionary<UnicodeCategory, CodePointSet> BuildCategorySets()
    {
        var sets = new Dictionary<UnicodeCategory, CodePointSet>();
        int start = 0;
        UnicodeCategory current = CharUnicodeInfo.GetUnicodeCategory(0);
        for (int cp = 1; cp <= MaxCodePoint + 1; cp++)
        {
            UnicodeCategory category = cp <= MaxCodePoint ? CharUnicodeInfo.GetUnicodeCategory(cp) : (UnicodeCategory)(-1);
            if (category != current)
            {
                if (!sets.TryGetValue(current, out CodePointSet? set))
                {
                    sets[current] = set = new CodePointSet();
                }

                set.Add(start, cp - 1);
                start = cp;
                current = category;
            }
        }

        foreach (CodePointSet set in sets.Values)
        {
            set.Normalise();
        }

        return sets;
    }

    private static Dictionary<string, UnicodeCategory[]> BuildCategories()
    {
        var map = new Dictionary<string, UnicodeCategory[]>(StringComparer.Ordinal);
        void Add(string shortName, string longName, params UnicodeCategory[] categories)
        {
            map[shortName] = categories;
            map[longName] = categories;
        }

        Add("Lu", "Uppercase_Letter", UnicodeCategory.UppercaseLetter);
        Add("Ll", "Lowercase_Letter", UnicodeCategory.LowercaseLetter);
        Add("Lt", "Titlecase_Letter", UnicodeCategory.TitlecaseLetter);
        Add("LC", "Cased_Letter", UnicodeCategory.UppercaseLetter, UnicodeCategory.LowercaseLetter, UnicodeCategory.TitlecaseLetter);
        Add("Lm", "Modifier_Letter", UnicodeCategory.ModifierLetter);
        Add("Lo", "Other_Letter", UnicodeCategory.OtherLetter);
        Add("L", "Letter", UnicodeCategory.UppercaseLetter, UnicodeCategory.LowercaseLetter, UnicodeCategory.TitlecaseLetter,
            UnicodeCategory.ModifierLetter, UnicodeCategory.OtherLetter);
        Add("Mn", "Nonspacing_Mark", UnicodeCategory.NonSpacingMark);
        Add("Mc", "Spacing_Mark", UnicodeCategory.SpacingCombiningMark);
        Add("Me", "Enclosing_Mark", UnicodeCategory.EnclosingMark);
        Add("M", "Mark", UnicodeCategory.NonSpacingMark, UnicodeCategory.SpacingCombiningMark, UnicodeCategory.EnclosingMark);
        map["Combining_Mark"] = map["M"];
        Add("Nd", "Decimal_Number", UnicodeCategory.DecimalDigitNumber);
        map["digit"] = map["Nd"];
        Add("Nl", "Letter_Number", UnicodeCategory.LetterNumber);
        Add("No", "Other_Number", UnicodeCategory.OtherNumber);
        Add("N", "Number", UnicodeCategory.DecimalDigitNumber, UnicodeCategory.LetterNumber, UnicodeCategory.OtherNumber);
        Add("Pc", "Connector_Punctuation", UnicodeCategory.ConnectorPunctuation);
        Add("Pd", "Dash_Punctuation", UnicodeCategory.DashPunctuation);
        Add("Ps", "Open_Punctuation", UnicodeCategory.OpenPunctuation);
        Add("Pe", "Close_Punctuation", UnicodeCategory.ClosePunctuation);
        Add("Pi", "Initial_Punctuation", UnicodeCategory.InitialQuotePunctuation);
        Add("Pf", "Final_Punctuation", UnicodeCategory.FinalQuotePunctuation);
        Add("Po", "Other_Punctuation", UnicodeCategory.OtherPunctuation);
        Add("P", "Punctuation", UnicodeCategory.ConnectorPunctuation, UnicodeCategory.DashPunctuation, UnicodeCategory.OpenPunctuation,
            UnicodeCategory.ClosePunctuation, UnicodeCategory.InitialQuotePunctuation, UnicodeCategory.FinalQuotePunctuation,
            UnicodeCategory.OtherPunctuation);
        map["punct"] = map["P"];
        Add("Sm", "Math_Symbol", UnicodeCategory.MathSymbol);
        Add("Sc", "Currency_Symbol", UnicodeCategory.CurrencySymbol);
        Add("Sk", "Modifier_Symbol", UnicodeCategory.ModifierSymbol);
        Add("So", "Other_Symbol", UnicodeCategory.OtherSymbol);
        Add("S", "Symbol", UnicodeCategory.MathSymbol, UnicodeCategory.CurrencySymbol, UnicodeCategory.ModifierSymbol, UnicodeCategory.OtherSymbol);
        Add("Zs", "Space_Separator", UnicodeCategory.SpaceSeparator);
        Add("Zl", "Line_Separator", UnicodeCategory.LineSeparator);
        Add("Zp", "Paragraph_Separator", UnicodeCategory.ParagraphSeparator);
        Add("Z", "Separator", UnicodeCategory.SpaceSeparator, UnicodeCategory.LineSeparator, UnicodeCategory.ParagraphSeparator);
        Add("Cc", "Control", UnicodeCategory.Control);
        map["cntrl"] = map["Cc"];
        Add("Cf", "Format", UnicodeCategory.Format);
        Add("Cs", "Surrogate", UnicodeCategory.Surrogate);
        Add("Co", "Private_Use", UnicodeCategory.PrivateUse);
        Add("Cn", "Unassigned", UnicodeCategory.OtherNotAssigned);
        Add("C", "Other", UnicodeCategory.Control, UnicodeCategory.Format, UnicodeCategory.Surrogate, UnicodeCategory.PrivateUse,
            UnicodeCategory.OtherNotAssigned);
        return map;
    }
}

/// <summary>A set of code points as sorted, disjoint, non-adjacent inclusive ranges.</summary>
internal sealed class CodePointSet
{
    private const int MaxCodePoint = 0x10FFFF;

    private List<(int From, int To)> _ranges = [];
    private bool _normalised = true;

    public static CodePointSet Of(params (int From, int To)[] ranges)
    {
        var set = new CodePointSet();
        foreach ((int from, int to) in ranges)
        {
            set.Add(from, to);
        }

        // Normalised now, so shared static sets are never mutated by a reader.
        set.Normalise();
        return set;
    }

    public static CodePointSet Single(int codePoint) => Of((codePoint, codePoint));

    public IReadOnlyList<(int From, int To)> Ranges
    {
        get
        {
            Normalise();
            return _ranges;
        }
    }

    public void Add(int from, int to)
    {
        _ranges.Add((from, to));
        _normalised = false;
    }

    public void Add(CodePointSet other)
    {
        _ranges.AddRange(other.Ranges);
        _normalised = false;
    }

    public CodePointSet Complement()
    {
        var result = new CodePointSet();
        int next = 0;
        foreach ((int from, int to) in Ranges)
        {
            if (from > next)
            {
                result._ranges.Add((next, from - 1));
            }

            next = to + 1;
        }

        if (next <= MaxCodePoint)
        {
            result._ranges.Add((next, MaxCodePoint));
        }

        return result;
    }

    /// <summary>
    /// Appends one .NET regex atom matching exactly one member, as a whole code point: a BMP character class plus
    /// surrogate-pair alternatives for astral members. Surrogate code points themselves are left out, so no atom can
    /// ever consume half of a pair.
    /// </summary>
    public void AppendRegex(StringBuilder sb)
    {
        var bmp = new List<(int From, int To)>();
        // Astral members grouped by high surrogate: (first high, last high, low ranges shared by all of them).
        var astral = new List<(int HighFrom, int HighTo, List<(int From, int To)> Lows)>();
        foreach ((int from, int to) in Ranges)
        {
            AddBmp(bmp, from, Math.Min(to, 0xFFFF));
            for (int start = Math.Max(from, 0x10000); start <= to;)
            {
                int high = 0xD800 + ((start - 0x10000) >> 10);
                int blockEnd = 0x10000 + ((high - 0xD800 + 1) << 10) - 1;
                int end = Math.Min(to, blockEnd);
                int lowFrom = 0xDC00 + ((start - 0x10000) & 0x3FF);
                int lowTo = 0xDC00 + ((end - 0x10000) & 0x3FF);
                if (astral.Count > 0 && astral[^1].HighTo == high)
                {
                    astral[^1].Lows.Add((lowFrom, lowTo));
                }
                else if (astral.Count > 0 && astral[^1].HighTo == high - 1 && lowFrom == 0xDC00 && lowTo == 0xDFFF
                    && astral[^1].Lows is [(0xDC00, 0xDFFF)])
                {
                    astral[^1] = (astral[^1].HighFrom, high, astral[^1].Lows);
                }
                else
                {
                    astral.Add((high, high, [(lowFrom, lowTo)]));
                }

                start = end + 1;
            }
        }

        if (astral.Count == 0)
        {
            AppendClass(sb, bmp);
            return;
        }

        sb.Append("(?:");
        bool first = true;
        if (bmp.Count > 0)
        {
            AppendClass(sb, bmp);
            first = false;
        }

        foreach ((int highFrom, int highTo, List<(int From, int To)> lows) in astral)
        {
            if (!first)
            {
                sb.Append('|');
            }

            first = false;
            AppendClass(sb, [(highFrom, highTo)]);
            AppendClass(sb, lows);
        }

        sb.Append(')');
    }

    private static void AddBmp(List<(int From, int To)> bmp, int from, int to)
    {
        // Skip the surrogate block: instances are well-formed UTF-16, and a lone-surrogate atom could split a pair.
        if (from <= Math.Min(to, 0xD7FF))
        {
            bmp.Add((from, Math.Min(to, 0xD7FF)));
        }

        if (Math.Max(from, 0xE000) <= to)
        {
            bmp.Add((Math.Max(from, 0xE000), to));
        }
    }

    private static void AppendClass(StringBuilder sb, List<(int From, int To)> ranges)
    {
        if (ranges.Count == 0)
        {
            // Matches nothing, and (unlike "(?!)") the non-backtracking engine supports it.
            sb.Append("[^\\u0000-\\uFFFF]");
            return;
        }

        sb.Append('[');
        foreach ((int from, int to) in ranges)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\\u{from:X4}");
            if (to != from)
            {
                sb.Append(CultureInfo.InvariantCulture, $"-\\u{to:X4}");
            }
        }

        sb.Append(']');
    }

    /// <summary>Sorts and merges the ranges; call before sharing a set between threads.</summary>
    public void Normalise()
    {
        if (_normalised)
        {
            return;
        }

        _ranges.Sort();
        var merged = new List<(int From, int To)>(_ranges.Count);
        foreach ((int from, int to) in _ranges)
        {
            if (merged.Count > 0 && from <= merged[^1].To + 1)
            {
                merged[^1] = (merged[^1].From, Math.Max(merged[^1].To, to));
            }
            else
            {
                merged.Add((from, to));
            }
        }

        _ranges = merged;
        _normalised = true;
    }
}
