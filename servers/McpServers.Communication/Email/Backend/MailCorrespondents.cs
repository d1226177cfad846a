using MimeKit;

namespace McpServers.Communication.Email.Backend;

/// <summary>
/// <see cref="ICorrespondents"/> from the senders and recipients of recent messages in the allowed folders (the user's
/// own address left out): a name matches a whole word of a display name, the whole display name, the address's local
/// part or the whole address, case-insensitively.
/// </summary>
public sealed class MailCorrespondents(ImapMailbox mailbox, EmailOptions options) : ICorrespondents
{
    public async Task<IReadOnlyList<MailboxAddress>> FindAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        IReadOnlyList<(MailboxAddress Mailbox, DateTimeOffset Date)> recent = await mailbox.RecentAddressesAsync(cancellationToken);
        return Match(name, recent.Select(r => r.Mailbox), options.From);
    }

    /// <summary>The distinct matches in the order given (most recent first), without <paramref name="self"/>.</summary>
    public static IReadOnlyList<MailboxAddress> Match(string name, IEnumerable<MailboxAddress> mailboxes, string? self)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(mailboxes);
        string[] wanted = Words(name);
        if (wanted.Length == 0)
        {
            return [];
        }

        var result = new List<MailboxAddress>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string? own = self is not null && MailboxAddress.TryParse(self, out MailboxAddress? parsed) ? parsed.Address : null;
        foreach (MailboxAddress mailbox in mailboxes)
        {
            if (string.Equals(mailbox.Address, own, StringComparison.OrdinalIgnoreCase) || seen.Contains(mailbox.Address) || !Matches(wanted, name.Trim(), mailbox))
            {
                continue;
            }

            seen.Add(mailbox.Address);
            result.Add(new MailboxAddress(MessageRendering.Line(mailbox.Name, 200), mailbox.Address));
        }

        return result;
    }

    private static bool Matches(string[] wanted, string whole, MailboxAddress mailbox)
    {
        if (string.Equals(mailbox.Address, whole, StringComparison.OrdinalIgnoreCase)
            || string.Equals(mailbox.LocalPart, whole, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        string[] words = Words(mailbox.Name ?? string.Empty);
        return words.Length > 0 && wanted.All(w => words.Contains(w, StringComparer.OrdinalIgnoreCase));
    }

    private static string[] Words(string text) =>
        text.Split([' ', '\t', ',', '.', '"', '\'', '(', ')'], StringSplitOptions.RemoveEmptyEntries);
}
