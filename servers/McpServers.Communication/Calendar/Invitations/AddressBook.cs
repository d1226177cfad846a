using System.Globalization;
using McpServers.Shared.Text;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace McpServers.Communication.Calendar.Invitations;

/// <summary>
/// The administrator's or user's address book (<c>Calendar:AddressBook</c>): a UTF-8 CSV file, one person per line as
/// <c>name,address</c> (e.g. <c>Dana Scully,dana@example.com</c>). The address is what follows the last comma, so a
/// name may hold commas (<c>"Scully, Dana",dana@example.com</c>; surrounding double quotes are dropped). Blank lines,
/// lines starting with <c>#</c> and a header line (<c>name,address</c>) are skipped; a line that is not a name and one
/// address is skipped with a warning. The file is read again when it changes.
/// </summary>
public sealed class AddressBook(string? path, ILogger<AddressBook> logger)
{
    private readonly Lock _gate = new();
    private (DateTime Written, long Length, IReadOnlyList<MailboxAddress> Entries)? _loaded;

    public bool Configured => !string.IsNullOrWhiteSpace(path);

    /// <summary>The entries whose name or address matches <paramref name="name"/> (see <see cref="NameMatch"/>).</summary>
    public IReadOnlyList<MailboxAddress> Find(string name) =>
        [.. Entries().Where(e => NameMatch.Matches(name, e.Name, e.Address))];

    private IReadOnlyList<MailboxAddress> Entries()
    {
        if (!Configured)
        {
            return [];
        }

        var file = new FileInfo(path!.Trim());
        lock (_gate)
        {
            if (!file.Exists)
            {
                Log.AddressBookUnreadable(logger, "the file does not exist");
                return [];
            }

            if (_loaded is { } loaded && loaded.Written == file.LastWriteTimeUtc && loaded.Length == file.Length)
            {
                return loaded.Entries;
            }

            IReadOnlyList<MailboxAddress> entries = Parse(File.ReadAllLines(file.FullName), logger);
            _loaded = (file.LastWriteTimeUtc, file.Length, entries);
            return entries;
        }
    }

    internal static IReadOnlyList<MailboxAddress> Parse(IReadOnlyList<string> lines, ILogger logger)
    {
        var entries = new List<MailboxAddress>();
        for (int i = 0; i < lines.Count; i++)
        {
            string line = TextHygiene.Clean(lines[i]).Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            int comma = line.LastIndexOf(',');
            string name = comma < 0 ? "" : line[..comma].Trim().Trim('"').Trim();
            string address = comma < 0 ? line : line[(comma + 1)..].Trim();
            if (i == 0 && string.Equals(address, "address", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (name.Length == 0 || !MailboxAddress.TryParse(address, out MailboxAddress? mailbox) || mailbox.Address.Contains(' ', StringComparison.Ordinal)
                || !mailbox.Address.Contains('@', StringComparison.Ordinal))
            {
                Log.AddressBookLineSkipped(logger, i + 1);
                continue;
            }

            entries.Add(new MailboxAddress(name, mailbox.Address));
        }

        return entries;
    }
}

/// <summary>
/// When a name someone typed ("Dana", "dana lee") means an entry: every word of it is a whole word of the entry's
/// display name (case-insensitive), or it is the address's local part. Never a prefix or a fuzzy match: a guess could
/// invite the wrong person.
/// </summary>
public static class NameMatch
{
    private static readonly char[] Separators = [' ', '\t', ',', '.', '(', ')', '"', '\''];

    public static bool Matches(string query, string? displayName, string address)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(address);
        string[] wanted = Words(query);
        if (wanted.Length == 0)
        {
            return false;
        }

        int at = address.LastIndexOf('@');
        if (at > 0 && string.Equals(address[..at], query.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        string[] words = Words(displayName ?? "");
        return wanted.All(w => words.Contains(w, StringComparer.OrdinalIgnoreCase));
    }

    private static string[] Words(string text) =>
        text.ToLower(CultureInfo.InvariantCulture).Split(Separators, StringSplitOptions.RemoveEmptyEntries);
}
