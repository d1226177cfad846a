using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using Microsoft.Extensions.Logging;
using MimeKit;
using ModelContextProtocol.Server;

namespace McpServers.Communication.Guards;

/// <summary>
/// The checks every send tool (email_send, email_reply, slack_post_message, slack_reply_in_thread,
/// calendar_send_invitation, calendar_cancel_invitation) runs, in this order:
/// 1. in <c>PrepareConfirmationAsync</c> (before any human is asked) and again in the tool: parse and check the input
///    (<see cref="Recipients"/>, <see cref="HeaderText"/>), <see cref="CheckRecipients"/> and <see cref="CheckCaps"/>;
///    <see cref="NeedsConfirmation"/> decides the preview's <c>Required</c>;
/// 2. in the tool, just before the backend call: <see cref="ReserveAsync"/> (counts the send, persisted; refused past a
///    cap), then <see cref="SendReservation.ReleaseAsync"/> if the backend refused so nothing was sent;
/// 3. after the send: <see cref="AuditSent"/>.
/// Every refusal is a <see cref="Shared.Errors.ToolInputException"/> that names the setting an administrator changes
/// (a ledger that cannot be read or locked is a <see cref="BackendException"/>: nothing is sent then either).
/// </summary>
public sealed class SendGuard
{
    /// <summary>The tools whose calls are counted against the caps (and may have their own <c>Guards:Tools:&lt;tool&gt;</c> caps).</summary>
    public static readonly IReadOnlyList<string> SendTools =
    [
        "email_send", "email_reply", "slack_post_message", "slack_reply_in_thread", "calendar_send_invitation", "calendar_cancel_invitation",
    ];

    /// <summary>Longer raw address items are refused before parsing (an address is at most 254 characters, plus a name).</summary>
    private const int MaxAddressItemChars = 512;

    private const int MaxAuditChars = 2000;

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly GuardOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SendGuard> _logger;
    private readonly SendLedger _ledger;
    private readonly SharedSendLedger? _shared;

    /// <param name="shared">HTTP replicas sharing Redis: the caps are counted there, per caller, instead of in the file.</param>
    public SendGuard(GuardOptions options, TimeProvider time, ILogger<SendGuard> logger, ISharedState? shared = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _logger = logger;
        _ledger = new SendLedger(options.LedgerFile(), time);
        _shared = shared is null ? null : new SharedSendLedger(shared, time);
    }

    /// <summary>Where sends are counted (for --check and the README's "where is what").</summary>
    public string LedgerPath => _shared is null ? _ledger.Path : SharedSendLedger.Describe;

    /// <summary>Whose caps a send counts against in the shared ledger: the HTTP caller.</summary>
    private static string CallerKey => Caller.Current?.Subject ?? "";

    /// <summary>How long a reservation waits for another process's; tests shorten it.</summary>
    internal TimeSpan LockWait { get => _ledger.LockWait; init => _ledger = new SendLedger(_ledger.Path, _time) { LockWait = value }; }

    /// <summary>
    /// E-mail addresses as the model gave them, parsed with MimeKit and re-serialised: each must be one mailbox (no
    /// groups, no lists in one item), with no CR, LF or other control character in the address or display name.
    /// </summary>
    public IReadOnlyList<MailboxAddress> Recipients(IReadOnlyList<string>? values, string parameterName)
    {
        if (values is null)
        {
            return [];
        }

        // Refused before parsing anything: CheckRecipients would refuse them anyway.
        if (values.Count > _options.MaxRecipients)
        {
            throw new ToolInputException($"`{ConfirmationPreview.Value(parameterName)}` has {values.Count} addresses; one message may have at most " +
                $"{_options.MaxRecipients} recipients (Guards:MaxRecipients, set by an administrator).");
        }

        var mailboxes = new List<MailboxAddress>(values.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string? value in values)
        {
            MailboxAddress mailbox = HeaderSafety.Mailbox(value, parameterName, MaxAddressItemChars);
            if (seen.Add(mailbox.Address))
            {
                mailboxes.Add(mailbox);
            }
        }

        return mailboxes;
    }

    /// <summary>A header value (subject, display name): one line, no control characters, at most <paramref name="maxLength"/> characters.</summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Part of the guard the send tools inject.")]
    public string HeaderText(string? value, string parameterName, int maxLength = 255) => HeaderSafety.Text(value, parameterName, maxLength);

    /// <summary>
    /// Every recipient's domain is in <c>Guards:AllowedRecipientDomains</c>; Bcc only when <c>Guards:AllowBcc</c>; at most
    /// <c>Guards:MaxRecipients</c> in all. Throws naming the recipient and the setting.
    /// </summary>
    public void CheckRecipients(IReadOnlyCollection<MailboxAddress> to, IReadOnlyCollection<MailboxAddress> cc,
        IReadOnlyCollection<MailboxAddress> bcc)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(cc);
        ArgumentNullException.ThrowIfNull(bcc);
        if (_options.Allowed().IsEmpty)
        {
            throw new ToolInputException("Sending e-mail is not enabled: no recipient domain is allowed. An administrator sets " +
                "Guards:AllowedRecipientDomains (e.g. example.com,*.example.com). Nothing was sent.");
        }

        if (bcc.Count > 0 && !_options.AllowBcc)
        {
            throw new ToolInputException("Bcc is not allowed (an administrator enables it with Guards:AllowBcc=true); put the " +
                "recipients in to or cc, or leave them out. Nothing was sent.");
        }

        int total = to.Count + cc.Count + bcc.Count;
        if (total == 0)
        {
            throw new ToolInputException("Give at least one recipient. Nothing was sent.");
        }

        if (total > _options.MaxRecipients)
        {
            throw new ToolInputException($"{total} recipients are more than the {_options.MaxRecipients} one message may have " +
                "(Guards:MaxRecipients, set by an administrator); send fewer. Nothing was sent.");
        }

        foreach (MailboxAddress mailbox in to.Concat(cc).Concat(bcc))
        {
            if (DomainList.Normalize(mailbox.Domain) is not { } domain || !_options.Allowed().Contains(domain))
            {
                throw new ToolInputException($"The recipient {ConfirmationPreview.Value(mailbox.Address)} is not in an allowed domain " +
                    $"({string.Join(", ", _options.AllowedRecipientDomains)}; Guards:AllowedRecipientDomains, set by an administrator). " +
                    "Nothing was sent.");
            }
        }
    }

    /// <summary>
    /// Whether a human must confirm a send to these recipients: always for any recipient outside
    /// <c>Guards:InternalDomains</c>; for internal-only recipients unless <c>Guards:ConfirmInternal</c> is false.
    /// </summary>
    public bool NeedsConfirmation(IEnumerable<MailboxAddress> recipients)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        if (_options.ConfirmInternal)
        {
            return true;
        }

        bool any = false;
        foreach (MailboxAddress mailbox in recipients)
        {
            any = true;
            if (DomainList.Normalize(mailbox.Domain) is not { } domain || !_options.Internal().Contains(domain))
            {
                return true;
            }
        }

        // No recipient at all is not "internal only": ask.
        return !any;
    }

    /// <summary>Refuses (with when the cap resets) a send of <paramref name="tool"/> that would pass its or the total per-hour/per-day cap. Counts nothing.</summary>
    public void CheckCaps(string tool)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        // With the shared ledger this is the replica's last view of it; the reservation below checks the ledger itself.
        ThrowIfCapped(tool, _shared?.LastSeen(CallerKey) ?? _ledger.Read(), _time.GetUtcNow());
    }

    /// <summary>
    /// Counts one send of <paramref name="tool"/> against its caps and the total, under a lock shared by every server process
    /// of this OS user and persisted across restarts; refused past a cap. Call just before the backend call.
    /// </summary>
    public async Task<SendReservation> ReserveAsync(string tool, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        var entry = new LedgerEntry(Guid.NewGuid().ToString("N"), tool, _time.GetUtcNow());
        bool Count(List<LedgerEntry> entries)
        {
            ThrowIfCapped(tool, entries, entry.At);
            entries.Add(entry);
            return true;
        }

        if (_shared is not null)
        {
            string caller = CallerKey;
            await _shared.UpdateAsync(caller, Count, cancellationToken);
            return new LedgerReservation((change, ct) => _shared.UpdateAsync(caller, change, ct), entry.Id);
        }

        await _ledger.UpdateAsync(Count, cancellationToken);
        return new LedgerReservation(_ledger.UpdateAsync, entry.Id);
    }

    /// <summary>
    /// Writes the audit facts of a send into this call's audit line: the recipients (only their domains when
    /// <c>Guards:AuditDomainsOnly</c>), message id and size; never the body.
    /// </summary>
    public void AuditSent(MessageContext context, string tool, IEnumerable<string> recipients, string? messageId, long sizeBytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(recipients);
        IEnumerable<string> named = recipients.Select(r => TextHygiene.Clean(r).Trim()).Where(r => r.Length > 0);
        if (_options.AuditDomainsOnly)
        {
            named = named.Select(DomainOf);
        }

        string list = string.Join(", ", named.Distinct(StringComparer.OrdinalIgnoreCase));
        string id = messageId is null ? "none" : TextHygiene.Clean(messageId).Trim().Trim('<', '>');
        string reason = string.Create(CultureInfo.InvariantCulture,
            $"sent by {tool} to {(list.Length == 0 ? "nobody" : list)}; message-id <{id}>; {sizeBytes} bytes");
        CallState.Of(context).Set(AuditOutcome.Ok, TextHygiene.Truncate(reason, MaxAuditChars));
    }

    /// <summary>The domain of an address (<c>Dana &lt;dana@example.com&gt;</c> → example.com); a channel id stays as it is.</summary>
    private static string DomainOf(string recipient)
    {
        int at = recipient.LastIndexOf('@');
        return at < 0 ? recipient : recipient[(at + 1)..].TrimEnd('>', ' ').ToLowerInvariant();
    }

    private void ThrowIfCapped(string tool, List<LedgerEntry> entries, DateTimeOffset now)
    {
        ToolCaps? own = _options.CapsOf(tool);
        Cap[] caps =
        [
            new(null, Hour, _options.MaxPerHour, "Guards:MaxPerHour"),
            new(null, SendLedger.Horizon, _options.MaxPerDay, "Guards:MaxPerDay"),
            .. own?.PerHour is { } hour ? [new Cap(tool, Hour, hour, $"Guards:Tools:{tool}:PerHour")] : Array.Empty<Cap>(),
            .. own?.PerDay is { } day ? [new Cap(tool, SendLedger.Horizon, day, $"Guards:Tools:{tool}:PerDay")] : Array.Empty<Cap>(),
        ];
        foreach (Cap cap in caps)
        {
            DateTimeOffset[] counted = [.. entries
                .Where(e => e.At > now - cap.Window && (cap.Tool is null || string.Equals(e.Tool, cap.Tool, StringComparison.OrdinalIgnoreCase)))
                .Select(e => e.At)
                .Order()];
            if (counted.Length < cap.Limit)
            {
                continue;
            }

            // The send that must age out of the window before one more fits (the oldest one when the count is at the cap).
            DateTimeOffset resets = cap.Limit == 0 ? now + cap.Window : counted[counted.Length - cap.Limit] + cap.Window;
            int minutes = Math.Max(1, (int)Math.Ceiling((resets - now).TotalMinutes));
            string window = cap.Window == Hour ? "hour" : "24 hours";
            string who = cap.Tool is null ? "all send tools together" : cap.Tool;
            Log.SendCapReached(_logger, tool, cap.Setting, resets);
            throw new ToolInputException(string.Create(CultureInfo.InvariantCulture,
                $"Send cap reached: {counted.Length} sends by {who} in the last {window}, and {cap.Setting} allows {cap.Limit}. " +
                $"Nothing was sent. The next send is possible at {resets.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} (in {minutes} minute{(minutes == 1 ? "" : "s")}); " +
                $"an administrator can raise {cap.Setting}."));
        }
    }

    private sealed record Cap(string? Tool, TimeSpan Window, int Limit, string Setting);

    /// <param name="update">The ledger the send was counted in (file or shared), changed under its lock.</param>
    private sealed class LedgerReservation(Func<Func<List<LedgerEntry>, bool>, CancellationToken, Task> update, string id) : SendReservation
    {
        private int _released;

        public override Task ReleaseAsync(CancellationToken cancellationToken) =>
            Interlocked.Exchange(ref _released, 1) == 1
                ? Task.CompletedTask
                : update(entries => entries.RemoveAll(e => e.Id == id) > 0, cancellationToken);
    }
}

/// <summary>One counted send; <see cref="ReleaseAsync"/> un-counts it when the backend refused and nothing was sent.</summary>
public abstract class SendReservation
{
    public abstract Task ReleaseAsync(CancellationToken cancellationToken);
}
