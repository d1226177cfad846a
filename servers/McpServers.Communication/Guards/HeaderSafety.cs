using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using MimeKit;

namespace McpServers.Communication.Guards;

/// <summary>
/// Header injection is made impossible here: what the model gives for an address, name or subject is refused when it
/// holds a line break, any other control character, a bidi control or an RFC 2047 encoded word (which MimeKit would
/// decode into any of those, or into a name that looks like another address); addresses are parsed strictly with
/// MimeKit and rebuilt from the parsed parts, so only one plain mailbox per item reaches a message.
/// </summary>
internal static partial class HeaderSafety
{
    private static readonly ParserOptions Strict = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        Rfc2047ComplianceMode = RfcComplianceMode.Strict,
        ParameterComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
        AllowUnquotedCommasInAddresses = false,
    };

    public static MailboxAddress Mailbox(string? value, string parameterName, int maxChars)
    {
        string name = ConfirmationPreview.Value(parameterName);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ToolInputException($"`{name}` has an empty address; give addresses like dana@example.com or Dana Lee <dana@example.com>.");
        }

        if (value.Length > maxChars)
        {
            throw new ToolInputException($"`{name}`: an address item is longer than {maxChars} characters.");
        }

        string shown = ConfirmationPreview.Value(value);
        if (Unsafe(value) is { } problem)
        {
            throw new ToolInputException($"`{name}`: '{shown}' holds {problem}; give one address per item, on one line, without control characters.");
        }

        // One item is one mailbox: "a@x.test, b@y.test" (two) and "team: a@x.test;" (a group) are refused, not split.
        if (!InternetAddressList.TryParse(Strict, value, out InternetAddressList? list) || list.Count != 1
            || !MailboxAddress.TryParse(Strict, value, out MailboxAddress? parsed))
        {
            throw new ToolInputException($"`{name}`: '{shown}' is not one e-mail address; give exactly one address per item, " +
                "like dana@example.com or Dana Lee <dana@example.com>.");
        }

        if (list[0] is not MailboxAddress || parsed.Route.Count > 0 || DomainList.Normalize(parsed.Domain) is null
            || parsed.LocalPart.Length == 0)
        {
            throw new ToolInputException($"`{name}`: '{shown}' is not a plain e-mail address with a domain name (no routes, " +
                "groups or address literals).");
        }

        // The parsed parts may still carry what the raw text hid (a quoted pair, a comment that became the name).
        string? display = string.IsNullOrWhiteSpace(parsed.Name) ? null : parsed.Name.Trim();
        if (Unsafe(parsed.Address) is not null || (display is not null && Unsafe(display) is not null))
        {
            throw new ToolInputException($"`{name}`: '{shown}' holds a control or formatting character in the address or name.");
        }

        return new MailboxAddress(display, parsed.Address);
    }

    public static string Text(string? value, string parameterName, int maxLength)
    {
        string name = ConfirmationPreview.Value(parameterName);
        if (value is null)
        {
            return string.Empty;
        }

        if (Unsafe(value) is { } problem)
        {
            throw new ToolInputException($"`{name}` holds {problem}; it must be one line of plain text.");
        }

        string text = value.Trim();
        if (text.Length > maxLength)
        {
            throw new ToolInputException($"`{name}` is {text.Length} characters long; at most {maxLength} are allowed.");
        }

        return text;
    }

    /// <summary>What makes <paramref name="text"/> unsafe in a header, in words; null when nothing does.</summary>
    internal static string? Unsafe(string text)
    {
        for (int i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int used) != OperationStatus.Done)
            {
                return "a character that is not valid Unicode text (a lone surrogate)";
            }

            i += used;
            string? problem = rune.Value switch
            {
                '\r' or '\n' => "a line break (CR or LF)",
                0 => "a NUL character",
                // Zero-width joiner: part of emoji sequences, harmless; every other format character can hide or reorder text.
                0x200D => null,
                _ => Rune.GetUnicodeCategory(rune) switch
                {
                    UnicodeCategory.Control => string.Create(CultureInfo.InvariantCulture, $"a control character (U+{rune.Value:X4})"),
                    UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator =>
                        string.Create(CultureInfo.InvariantCulture, $"an invisible formatting or bidi character (U+{rune.Value:X4})"),
                    UnicodeCategory.OtherNotAssigned => string.Create(CultureInfo.InvariantCulture, $"an unassigned character (U+{rune.Value:X4})"),
                    _ => null,
                },
            };
            if (problem is not null)
            {
                return problem;
            }
        }

        return EncodedWord().IsMatch(text)
            ? "an encoded word (=?charset?B|Q?...?=); give the text itself, it is encoded when the message is written"
            : null;
    }

    /// <summary>An RFC 2047 encoded word's start: <c>=?charset?B?</c> or <c>=?charset?Q?</c> (charset may carry a *language).</summary>
    [GeneratedRegex(@"=\?[^?\s]*\?[bBqQ]\?", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex EncodedWord();
}
