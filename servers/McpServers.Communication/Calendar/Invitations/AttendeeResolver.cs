using System.Text;
using McpServers.Communication.Email;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using MimeKit;

namespace McpServers.Communication.Calendar.Invitations;

/// <summary>An attendee as the call named them and the address it resolved to, with where that came from.</summary>
/// <param name="Given">What the call said (an address or a name).</param>
/// <param name="Mailbox">The address (and name) the invitation goes to.</param>
/// <param name="Source">"address" when given as one, else "address book" or "recent correspondents".</param>
public sealed record ResolvedAttendee(string Given, MailboxAddress Mailbox, string Source);

/// <summary>
/// Turns a name ("Dana") into an address only from explicit sources: the address book (<c>Calendar:AddressBook</c>) and
/// the people the user recently corresponded with in the allowed mail folders (<see cref="ICorrespondents"/>, when
/// e-mail reading is configured). Exactly one distinct address is used; none or several refuse the call with a question
/// that lists the candidates, so the model asks the user instead of guessing.
/// </summary>
public sealed class AttendeeResolver(AddressBook book, ICorrespondents? correspondents = null)
{
    /// <summary>Most candidates an ambiguity question lists.</summary>
    private const int ShownCandidates = 8;

    public async Task<ResolvedAttendee> ResolveNameAsync(string name, string parameterName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var candidates = new List<(MailboxAddress Mailbox, string Source)>();
        Add(candidates, book.Find(name), "address book");
        if (correspondents is not null)
        {
            Add(candidates, await correspondents.FindAsync(name, cancellationToken), "recent correspondents");
        }

        string shown = ConfirmationPreview.Value(name);
        if (candidates.Count == 1)
        {
            return new ResolvedAttendee(name, candidates[0].Mailbox, candidates[0].Source);
        }

        if (candidates.Count == 0)
        {
            throw new ToolInputException(
                $"`{parameterName}`: '{shown}' matches nobody in {Sources()}. Ask the user for the address and pass it instead of the name.");
        }

        var question = new StringBuilder($"`{parameterName}`: '{shown}' matches ");
        IEnumerable<string> listed = candidates.Take(ShownCandidates).Select(c => string.IsNullOrWhiteSpace(c.Mailbox.Name)
            ? c.Mailbox.Address : $"{c.Mailbox.Address} ({Clean(c.Mailbox.Name)})");
        string[] items = [.. listed];
        question.Append(string.Join(", ", items[..^1])).Append(" and ").Append(items[^1]);
        if (candidates.Count > ShownCandidates)
        {
            question.Append($" (and {candidates.Count - ShownCandidates} more)");
        }

        question.Append(": which one? Ask the user and pass the address.");
        throw new ToolInputException(question.ToString());
    }

    private string Sources() => (book.Configured, correspondents is not null) switch
    {
        (true, true) => "the address book (Calendar:AddressBook) or the recent correspondents",
        (true, false) => "the address book (Calendar:AddressBook)",
        (false, true) => "the recent correspondents (no address book is configured: Calendar:AddressBook)",
        _ => "any source: no address book is configured (Calendar:AddressBook) and e-mail reading is off, so names cannot be resolved",
    };

    /// <summary>A name from a source, on one line without invisible characters (it is backend data).</summary>
    internal static string Clean(string? name) => ConfirmationPreview.Value(TextHygiene.Clean(name).Trim());

    private static void Add(List<(MailboxAddress Mailbox, string Source)> candidates, IEnumerable<MailboxAddress> found, string source)
    {
        foreach (MailboxAddress mailbox in found)
        {
            if (!candidates.Exists(c => string.Equals(c.Mailbox.Address, mailbox.Address, StringComparison.OrdinalIgnoreCase)))
            {
                candidates.Add((mailbox, source));
            }
        }
    }
}
