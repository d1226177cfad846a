using MimeKit;

namespace McpServers.Communication.Email;

/// <summary>
/// People the user has corresponded with, from recent messages in the allowed folders: an explicit source of addresses
/// for names ("invite Dana and Lee"), never a guess.
/// </summary>
public interface ICorrespondents
{
    /// <summary>
    /// Distinct addresses whose display name or address matches <paramref name="name"/> (case-insensitive, whole words of
    /// the display name, or the address's local part), most recent first; empty when nobody matches.
    /// </summary>
    Task<IReadOnlyList<MailboxAddress>> FindAsync(string name, CancellationToken cancellationToken);
}
