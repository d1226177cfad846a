using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace McpServers.Shared.Validation;

/// <summary>
/// A JSON number held exactly as mantissa × 10^exponent, so comparisons and multipleOf are exact for any size and
/// any number of decimals (double would say 0.3 is not a multiple of 0.1, decimal overflows past 7.9e28). The exponent
/// is a BigInteger too: clamping it (it once was, at 10^12) made 1e1000000000001 compare equal to 1e1000000000000.
/// The mantissa is normalised (no trailing zeros), which makes equality structural: 1, 1.0 and 10e-1 are equal.
/// Cost is bounded by the text's length; instances are screened with <see cref="MaxInstanceLength"/> and
/// <see cref="MaxSignificantDigits"/> before any number in them is parsed.
/// </summary>
internal readonly struct JsonNumber : IEquatable<JsonNumber>
{
    /// <summary>Longest number text accepted in arguments (zeros included); enough for any real value.</summary>
    public const int MaxInstanceLength = 1000;

    /// <summary>Most significant digits accepted in arguments: more precision than any backend stores.</summary>
    public const int MaxSignificantDigits = 100;

    private JsonNumber(BigInteger mantissa, BigInteger exponent, int digits, string text)
    {
        Mantissa = mantissa;
        Exponent = exponent;
        Digits = digits;
        Text = text;
    }

    public BigInteger Mantissa { get; }

    public BigInteger Exponent { get; }

    /// <summary>Number of decimal digits in the mantissa (0 for zero).</summary>
    public int Digits { get; }

    /// <summary>The number as written, for messages.</summary>
    public string Text { get; }

    public bool IsInteger => Mantissa.IsZero || Exponent.Sign >= 0;

    public int Sign => Mantissa.Sign;

    public static JsonNumber From(JsonElement element) => Parse(element.GetRawText());

    /// <summary>Significant digits of a JSON number text, without parsing it into a BigInteger (for screening).</summary>
    public static int CountSignificantDigits(ReadOnlySpan<char> text)
    {
        int end = text.IndexOfAny('e', 'E');
        ReadOnlySpan<char> mantissa = end >= 0 ? text[..end] : text;
        int first = mantissa.IndexOfAnyInRange('1', '9');
        if (first < 0)
        {
            return 0;
        }

        int last = mantissa.LastIndexOfAnyInRange('1', '9');
        int digits = last - first + 1;
        // A decimal point between the first and last non-zero digit is not a digit.
        return mantissa[first..(last + 1)].Contains('.') ? digits - 1 : digits;
    }

    /// <summary>Parses JSON number syntax (already validated by the JSON reader).</summary>
    public static JsonNumber Parse(string text)
    {
        ReadOnlySpan<char> s = text;
        bool negative = false;
        int i = 0;
        if (i < s.Length && s[i] == '-')
        {
            negative = true;
            i++;
        }

        int intStart = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        ReadOnlySpan<char> intPart = s[intStart..i];
        ReadOnlySpan<char> fracPart = [];
        if (i < s.Length && s[i] == '.')
        {
            int fracStart = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            fracPart = s[fracStart..i];
        }

        BigInteger exponent = BigInteger.Zero;
        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            i++;
            bool expNegative = false;
            if (i < s.Length && (s[i] == '+' || s[i] == '-'))
            {
                expNegative = s[i] == '-';
                i++;
            }

            int expStart = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i > expStart)
            {
                exponent = BigInteger.Parse(s[expStart..i], NumberStyles.None, CultureInfo.InvariantCulture);
            }

            if (expNegative)
            {
                exponent = -exponent;
            }
        }

        string digits = string.Concat(intPart, fracPart).TrimStart('0');
        exponent -= fracPart.Length;
        int trailing = digits.Length - digits.TrimEnd('0').Length;
        digits = digits[..^trailing];
        exponent += trailing;
        if (digits.Length == 0)
        {
            return new JsonNumber(BigInteger.Zero, BigInteger.Zero, 0, text);
        }

        var mantissa = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return new JsonNumber(negative ? -mantissa : mantissa, exponent, digits.Length, text);
    }

    public static int Compare(JsonNumber a, JsonNumber b)
    {
        if (a.Sign != b.Sign)
        {
            return a.Sign.CompareTo(b.Sign);
        }

        if (a.Sign == 0)
        {
            return 0;
        }

        // Same sign, both non-zero: compare magnitudes by order first so we never scale by a huge power of ten.
        int magnitude;
        BigInteger orderA = a.Digits + a.Exponent;
        BigInteger orderB = b.Digits + b.Exponent;
        if (orderA != orderB)
        {
            magnitude = orderA.CompareTo(orderB);
        }
        else
        {
            // Equal orders: the exponent gap is below the digit count, so the scaling is bounded by the input size.
            BigInteger ma = BigInteger.Abs(a.Mantissa);
            BigInteger mb = BigInteger.Abs(b.Mantissa);
            if (a.Exponent > b.Exponent)
            {
                ma *= BigInteger.Pow(10, (int)(a.Exponent - b.Exponent));
            }
            else if (b.Exponent > a.Exponent)
            {
                mb *= BigInteger.Pow(10, (int)(b.Exponent - a.Exponent));
            }

            magnitude = ma.CompareTo(mb);
        }

        return a.Sign > 0 ? magnitude : -magnitude;
    }

    /// <summary>True when <paramref name="value"/> / <paramref name="divisor"/> is an integer; divisor must be positive.</summary>
    public static bool IsMultipleOf(JsonNumber value, JsonNumber divisor)
    {
        if (value.Mantissa.IsZero)
        {
            return true;
        }

        BigInteger shift = value.Exponent - divisor.Exponent;
        if (shift.Sign < 0)
        {
            // value = m·10^e with m not divisible by 10, so it cannot hold the extra factor 10^-shift.
            return false;
        }

        // (m · 10^shift) mod d, computed with modular exponentiation so 1e308 (or 1e1000000000000) costs nothing.
        BigInteger d = divisor.Mantissa;
        BigInteger m = BigInteger.Remainder(BigInteger.Abs(value.Mantissa), d);
        return (m * BigInteger.ModPow(10, shift, d) % d).IsZero;
    }

    /// <summary>A hash consistent with <see cref="Equals(JsonNumber)"/> (so 1 and 1.0 hash alike).</summary>
    public override int GetHashCode() => HashCode.Combine(Mantissa, Exponent);

    public bool Equals(JsonNumber other) => Mantissa == other.Mantissa && Exponent == other.Exponent;

    public override bool Equals(object? obj) => obj is JsonNumber other && Equals(other);

    public static bool operator ==(JsonNumber left, JsonNumber right) => left.Equals(right);

    public static bool operator !=(JsonNumber left, JsonNumber right) => !left.Equals(right);

    public override string ToString() => Text;
}
