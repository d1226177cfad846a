namespace McpServers.Shared.Validation;

/// <summary>The "format" values we assert. Anything else is refused at compile time rather than ignored.</summary>
internal enum FormatKind
{
    Date,
    DateTime,
    Email,
    Uri,
    Uuid,
}

/// <summary>
/// Strict, allocation-light checks written against the RFCs (3339 dates, 5321 addresses, 3986 URIs, 4122 UUIDs).
/// Only ASCII is accepted where the RFC grammar says DIGIT/ALPHA: char.IsDigit would let Bengali digits through.
/// </summary>
internal static class Formats
{
    public static bool TryParseName(string name, out FormatKind kind)
    {
        switch (name)
        {
            case "date": kind = FormatKind.Date; return true;
            case "date-time": kind = FormatKind.DateTime; return true;
            case "email": kind = FormatKind.Email; return true;
            case "uri": kind = FormatKind.Uri; return true;
            case "uuid": kind = FormatKind.Uuid; return true;
            default: kind = default; return false;
        }
    }

    public static bool IsValid(FormatKind kind, string value) => kind switch
    {
        FormatKind.Date => IsDate(value),
        FormatKind.DateTime => IsDateTime(value),
        FormatKind.Email => IsEmail(value),
        FormatKind.Uri => IsUri(value),
        FormatKind.Uuid => IsUuid(value),
        _ => false,
    };

    public static string Describe(FormatKind kind) => kind switch
    {
        FormatKind.Date => "a date in the form YYYY-MM-DD (RFC 3339 full-date)",
        FormatKind.DateTime => "an RFC 3339 date-time such as 2026-01-31T13:45:00Z",
        FormatKind.Email => "an email address such as name@example.com",
        FormatKind.Uri => "an absolute URI such as https://example.com/path",
        FormatKind.Uuid => "a UUID such as 123e4567-e89b-12d3-a456-426614174000",
        _ => "a valid value",
    };

    // RFC 3339 full-date: 4DIGIT "-" 2DIGIT "-" 2DIGIT with a real calendar day.
    public static bool IsDate(ReadOnlySpan<char> s)
    {
        if (s.Length != 10 || s[4] != '-' || s[7] != '-'
            || !TryDigits(s[..4], out int year) || !TryDigits(s[5..7], out int month) || !TryDigits(s[8..10], out int day))
        {
            return false;
        }

        return month is >= 1 and <= 12 && day >= 1 && day <= DaysInMonth(year, month);
    }

    // RFC 3339 date-time: full-date "T" hh:mm:ss[.frac] (Z | ±hh:mm); T and Z may be lower case (RFC 3339 §5.6 note).
    public static bool IsDateTime(string s)
    {
        if (s.Length < 20 || !IsDate(s.AsSpan(0, 10)) || (s[10] != 'T' && s[10] != 't'))
        {
            return false;
        }

        ReadOnlySpan<char> t = s.AsSpan(11);
        if (t[2] != ':' || t[5] != ':' || !TryDigits(t[..2], out int hour) || !TryDigits(t[3..5], out int minute)
            || !TryDigits(t[6..8], out int second) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        int i = 8;
        if (i < t.Length && t[i] == '.')
        {
            int start = ++i;
            while (i < t.Length && char.IsAsciiDigit(t[i]))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        int offsetMinutes;
        ReadOnlySpan<char> zone = t[i..];
        if (zone is "Z" or "z")
        {
            offsetMinutes = 0;
        }
        else if (zone.Length == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':'
                 && TryDigits(zone[1..3], out int offsetHour) && TryDigits(zone[4..6], out int offsetMinute)
                 && offsetHour <= 23 && offsetMinute <= 59)
        {
            offsetMinutes = (zone[0] == '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute);
        }
        else
        {
            return false;
        }

        if (second == 60)
        {
            // A leap second is only ever inserted at 23:59:60 UTC.
            int utcMinute = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440;
            return utcMinute == 23 * 60 + 59;
        }

        return true;
    }

    public static bool IsUuid(string s)
    {
        if (s.Length != 36)
        {
            return false;
        }

        for (int i = 0; i < s.Length; i++)
        {
            bool ok = i is 8 or 13 or 18 or 23 ? s[i] == '-' : char.IsAsciiHexDigit(s[i]);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    // RFC 5321 Mailbox: (dot-atom / quoted-string) "@" (domain / address-literal). ASCII only ("idn-email" is another format).
    public static bool IsEmail(string s)
    {
        int at = s.LastIndexOf('@');
        if (at <= 0 || at == s.Length - 1)
        {
            return false;
        }

        return IsLocalPart(s.AsSpan(0, at)) && IsMailDomain(s.AsSpan(at + 1));
    }

    private static bool IsLocalPart(ReadOnlySpan<char> local)
    {
        if (local.Length >= 2 && local[0] == '"' && local[^1] == '"')
        {
            ReadOnlySpan<char> inner = local[1..^1];
            for (int i = 0; i < inner.Length; i++)
            {
                char c = inner[i];
                if (c == '\\')
                {
                    if (++i >= inner.Length || inner[i] < 0x20 || inner[i] > 0x7E)
                    {
                        return false;
                    }
                }
                else if (c < 0x20 || c > 0x7E || c == '"')
                {
                    return false;
                }
            }

            return true;
        }

        foreach (Range part in local.Split('.'))
        {
            ReadOnlySpan<char> atom = local[part];
            if (atom.IsEmpty)
            {
                return false;
            }

            foreach (char c in atom)
            {
                if (!char.IsAsciiLetterOrDigit(c) && !"!#$%&'*+-/=?^_`{|}~".Contains(c))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsMailDomain(ReadOnlySpan<char> domain)
    {
        if (domain.Length >= 2 && domain[0] == '[' && domain[^1] == ']')
        {
            ReadOnlySpan<char> literal = domain[1..^1];
            return literal.StartsWith("IPv6:", StringComparison.Ordinal) ? IsIPv6(literal[5..]) : IsIPv4(literal);
        }

        return IsHostName(domain);
    }

    private static bool IsHostName(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty || host.Length > 253)
        {
            return false;
        }

        foreach (Range part in host.Split('.'))
        {
            ReadOnlySpan<char> label = host[part];
            if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (char c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    // dec-octet "." dec-octet "." dec-octet "." dec-octet, without leading zeros (RFC 3986 §3.2.2).
    public static bool IsIPv4(ReadOnlySpan<char> s)
    {
        int count = 0;
        foreach (Range part in s.Split('.'))
        {
            ReadOnlySpan<char> octet = s[part];
            if (++count > 4 || octet.IsEmpty || octet.Length > 3 || (octet.Length > 1 && octet[0] == '0')
                || !TryDigits(octet, out int value) || value > 255)
            {
                return false;
            }
        }

        return count == 4;
    }

    // RFC 4291 text form: eight h16 groups, one "::" standing for one or more zero groups, optional trailing IPv4.
    public static bool IsIPv6(ReadOnlySpan<char> s)
    {
        int gap = s.IndexOf("::", StringComparison.Ordinal);
        if (gap >= 0 && s[(gap + 1)..].IndexOf("::", StringComparison.Ordinal) >= 0)
        {
            return false;
        }

        if (gap < 0)
        {
            return CountGroups(s, allowIPv4: true) == 8;
        }

        ReadOnlySpan<char> tail = s[(gap + 2)..];
        int head = CountGroups(s[..gap], allowIPv4: false);
        int rest = CountGroups(tail, allowIPv4: true);
        return head >= 0 && rest >= 0 && head + rest <= 7;
    }

    private static int CountGroups(ReadOnlySpan<char> s, bool allowIPv4)
    {
        if (s.IsEmpty)
        {
            return 0;
        }

        int groups = 0;
        int lastStart = s.LastIndexOf(':') + 1;
        foreach (Range part in s.Split(':'))
        {
            ReadOnlySpan<char> group = s[part];
            bool isLast = part.Start.GetOffset(s.Length) == lastStart;
            if (isLast && allowIPv4 && group.Contains('.'))
            {
                if (!IsIPv4(group))
                {
                    return -1;
                }

                groups += 2;
                continue;
            }

            if (group.IsEmpty || group.Length > 4)
            {
                return -1;
            }

            foreach (char c in group)
            {
                if (!char.IsAsciiHexDigit(c))
                {
                    return -1;
                }
            }

            groups++;
        }

        return groups;
    }

    // RFC 3986 URI (absolute, fragment allowed): scheme ":" hier-part [ "?" query ] [ "#" fragment ].
    public static bool IsUri(string s)
    {
        if (s.Length == 0 || !char.IsAsciiLetter(s[0]))
        {
            return false;
        }

        int colon = 1;
        while (colon < s.Length && (char.IsAsciiLetterOrDigit(s[colon]) || s[colon] is '+' or '-' or '.'))
        {
            colon++;
        }

        if (colon == s.Length || s[colon] != ':')
        {
            return false;
        }

        ReadOnlySpan<char> rest = s.AsSpan(colon + 1);
        int hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            if (!IsQueryOrFragment(rest[(hash + 1)..]))
            {
                return false;
            }

            rest = rest[..hash];
        }

        int question = rest.IndexOf('?');
        if (question >= 0)
        {
            if (!IsQueryOrFragment(rest[(question + 1)..]))
            {
                return false;
            }

            rest = rest[..question];
        }

        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            rest = rest[2..];
            int slash = rest.IndexOf('/');
            ReadOnlySpan<char> authority = slash >= 0 ? rest[..slash] : rest;
            return IsAuthority(authority) && IsPath(slash >= 0 ? rest[slash..] : []);
        }

        return IsPath(rest);
    }

    private static bool IsAuthority(ReadOnlySpan<char> authority)
    {
        int at = authority.IndexOf('@');
        if (at >= 0)
        {
            if (!AllChars(authority[..at], static c => IsUnreserved(c) || IsSubDelim(c) || c == ':'))
            {
                return false;
            }

            authority = authority[(at + 1)..];
        }

        ReadOnlySpan<char> port;
        if (authority.StartsWith('['))
        {
            int close = authority.IndexOf(']');
            if (close < 0 || !IsIPLiteral(authority[1..close]))
            {
                return false;
            }

            port = authority[(close + 1)..];
        }
        else
        {
            int portColon = authority.IndexOf(':');
            ReadOnlySpan<char> host = portColon >= 0 ? authority[..portColon] : authority;
            if (!AllChars(host, static c => IsUnreserved(c) || IsSubDelim(c)))
            {
                return false;
            }

            port = portColon >= 0 ? authority[portColon..] : [];
        }

        if (port.IsEmpty)
        {
            return true;
        }

        if (port[0] != ':')
        {
            return false;
        }

        foreach (char c in port[1..])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIPLiteral(ReadOnlySpan<char> s)
    {
        if (s.Length > 0 && (s[0] == 'v' || s[0] == 'V'))
        {
            int dot = s.IndexOf('.');
            return dot > 1 && AllHex(s[1..dot]) && dot < s.Length - 1
                && AllChars(s[(dot + 1)..], static c => IsUnreserved(c) || IsSubDelim(c) || c == ':');
        }

        return IsIPv6(s);
    }

    private static bool IsPath(ReadOnlySpan<char> path) => AllChars(path, static c => IsPChar(c) || c == '/');

    private static bool IsQueryOrFragment(ReadOnlySpan<char> s) => AllChars(s, static c => IsPChar(c) || c is '/' or '?');

    private static bool IsPChar(char c) => IsUnreserved(c) || IsSubDelim(c) || c is ':' or '@';

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

    private static bool IsSubDelim(char c) => c is '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=';

    // Checks every character with the predicate, accepting well-formed percent-encodings ("%" HEXDIG HEXDIG) too.
    private static bool AllChars(ReadOnlySpan<char> s, Func<char, bool> allowed)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '%')
            {
                if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
            else if (!allowed(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllHex(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = value * 10 + (c - '0');
        }

        return !s.IsEmpty;
    }

    private static int DaysInMonth(int year, int month)
    {
        bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        return month switch
        {
            2 => leap ? 29 : 28,
            4 or 6 or 9 or 11 => 30,
            _ => 31,
        };
    }
}
