using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace McpServers.Communication.Email.Backend;

/// <summary>One message in a list: its id, sender, recipients, date, subject, a snippet, read state and attachment count.</summary>
public sealed record MailSummary(string Id, string Folder, string? From, IReadOnlyList<string> To, DateTimeOffset? Date, string Subject,
    string Snippet, bool Unread, int AttachmentCount);

/// <summary>A page of search results, newest first.</summary>
public sealed record MailPage(string Folder, IReadOnlyList<MailSummary> Messages, int TotalMatches, string? NextCursor);

/// <summary>One message read as text.</summary>
public sealed record MailMessage(MailSummary Summary, IReadOnlyList<string> Cc, IReadOnlyList<string> ReplyTo, string? MessageId,
    RenderedBody Body, IReadOnlyList<AttachmentInfo> Attachments, long SizeBytes);

/// <summary>What a reply needs from the message it answers.</summary>
public sealed record ReplyBasis(MessageRef Ref, string Subject, string? MessageId, IReadOnlyList<string> References,
    IReadOnlyList<MailboxAddress> From, IReadOnlyList<MailboxAddress> ReplyTo, IReadOnlyList<MailboxAddress> To, IReadOnlyList<MailboxAddress> Cc);

/// <summary>A thread, oldest first, and whether the cap cut it.</summary>
public sealed record MailThread(IReadOnlyList<MailSummary> Messages, bool Truncated);

/// <summary>
/// The IMAP side of the e-mail backend: the only code that reads mailboxes. One connection, opened on first use and
/// reused, guarded by a semaphore (IMAP is one conversation at a time); any failure drops it so the next call starts
/// fresh. Every call is bounded by <c>Email:Timeout</c> and checks the folder allowlist (<c>Email:Folders</c>). Folders
/// are opened read-only and bodies fetched with BODY.PEEK, so reading never marks a message as read.
/// </summary>
public sealed class ImapMailbox(MailConnections connections, ILogger<ImapMailbox> logger) : IDisposable
{
    private const MessageSummaryItems ListItems = MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags
        | MessageSummaryItems.BodyStructure | MessageSummaryItems.InternalDate;

    private const MessageSummaryItems HeaderItems = MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.References;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ImapClient? _client;

    private EmailOptions Options => connections.Options;

    /// <summary>The allowlisted folder named by <paramref name="name"/> (case-insensitive), or an input error listing the allowed ones.</summary>
    public string AllowedFolder(string? name, string parameterName = "folder")
    {
        string wanted = string.IsNullOrWhiteSpace(name) ? Options.Folders[0] : name.Trim();
        return Options.Folders.FirstOrDefault(f => string.Equals(f, wanted, StringComparison.OrdinalIgnoreCase))
            ?? throw new ToolInputException(
                $"`{parameterName}` '{MessageRendering.Line(wanted, 100)}' is not an allowed folder. Allowed: {string.Join(", ", Options.Folders)} (an administrator sets Email:Folders).");
    }

    /// <summary>For <c>--check</c>: signs in and opens each allowed folder read-only; one line per folder (its message count, or missing).</summary>
    public Task<IReadOnlyList<(string Folder, int? Count)>> CheckFoldersAsync(CancellationToken cancellationToken) =>
        WithClientAsync<IReadOnlyList<(string Folder, int? Count)>>(async (client, ct) =>
        {
            var folders = new List<(string Folder, int? Count)>();
            foreach (string name in Options.Folders)
            {
                IMailFolder? folder = await TryOpenAsync(client, name, ct);
                folders.Add((name, folder?.Count));
            }

            return folders;
        }, cancellationToken);

    public Task<MailPage> SearchAsync(string? folderName, MailFilter filter, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        string name = AllowedFolder(folderName);
        SearchQuery query = MailSearch.Build(filter);
        string scope = $"email_search\n{name}\n{filter.Key}";
        return WithClientAsync(async (client, ct) =>
        {
            IMailFolder folder = await OpenAsync(client, name, ct);
            uint below = uint.MaxValue;
            if (cursor is not null)
            {
                string[] payload = OpaqueCursor.Decode(scope, cursor).Split(':');
                if (payload.Length != 2 || payload[0] != folder.UidValidity.ToString(CultureInfo.InvariantCulture)
                    || !uint.TryParse(payload[1], NumberStyles.None, CultureInfo.InvariantCulture, out below))
                {
                    throw new ToolInputException("`cursor` is out of date (the folder was rebuilt on the server): repeat the search without `cursor`.");
                }
            }

            IList<UniqueId> found = await folder.SearchAsync(query, ct);
            List<UniqueId> remaining = [.. found.Where(u => u.Id < below).OrderByDescending(u => u.Id)];
            List<UniqueId> page = [.. remaining.Take(pageSize)];
            IReadOnlyList<MailSummary> messages = await SummariesAsync(folder, name, page, ct);
            string? next = remaining.Count > page.Count
                ? OpaqueCursor.Encode(scope, string.Create(CultureInfo.InvariantCulture, $"{folder.UidValidity}:{page[^1].Id}"))
                : null;
            return new MailPage(name, [.. messages.OrderByDescending(m => Uid(m.Id))], found.Count, next);
        }, cancellationToken);
    }

    public Task<MailMessage> GetMessageAsync(MessageRef reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        string name = AllowedFolder(reference.Folder, "message_id");
        return WithClientAsync(async (client, ct) =>
        {
            (IMailFolder folder, IMessageSummary summary) = await MessageAsync(client, name, reference, ListItems | MessageSummaryItems.Size, ct);
            BodyPartText? text = summary.TextBody;
            BodyPartText? html = text is null ? summary.HtmlBody : null;
            BodyPartText? part = text ?? html;
            RenderedBody body;
            if (part is not null && part.Octets > Options.MaxMessageBytes)
            {
                body = new RenderedBody(string.Empty, part.ContentType.MimeType, true, string.Create(CultureInfo.InvariantCulture,
                    $"The message text is {part.Octets} bytes, over Email:MaxMessageBytes ({Options.MaxMessageBytes}): it was not downloaded."));
            }
            else
            {
                TextPart? entity = part is null ? null : await folder.GetBodyPartAsync(summary.UniqueId, part, ct) as TextPart;
                body = MessageRendering.Body(text is null ? null : entity, html is null ? null : entity, Options.MaxMessageChars);
            }

            long size = summary.Size ?? 0;
            if (size > Options.MaxMessageBytes)
            {
                string note = string.Create(CultureInfo.InvariantCulture,
                    $"The message is {size} bytes, over Email:MaxMessageBytes ({Options.MaxMessageBytes}): only its text was downloaded.");
                body = body with { Notice = body.Notice is null ? note : $"{body.Notice} {note}" };
            }

            return new MailMessage(Summary(summary, name, folder.UidValidity), MessageRendering.Addresses(Env(summary).Cc),
                MessageRendering.Addresses(Env(summary).ReplyTo), Clean(Env(summary).MessageId), body,
                MessageRendering.Attachments(summary.Attachments), size);
        }, cancellationToken);
    }

    /// <summary>The sender, recipients and threading headers of the message a reply answers.</summary>
    public Task<ReplyBasis> ReplyBasisAsync(MessageRef reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        string name = AllowedFolder(reference.Folder, "message_id");
        return WithClientAsync(async (client, ct) =>
        {
            (_, IMessageSummary summary) = await MessageAsync(client, name, reference, HeaderItems, ct);
            Envelope envelope = Env(summary);
            return new ReplyBasis(reference with { Folder = name }, MessageRendering.Line(envelope.Subject), envelope.MessageId,
                [.. (summary.References ?? []).Take(50)], [.. envelope.From.Mailboxes], [.. envelope.ReplyTo.Mailboxes],
                [.. envelope.To.Mailboxes], [.. envelope.Cc.Mailboxes]);
        }, cancellationToken);
    }

    /// <summary>
    /// The messages of <paramref name="reference"/>'s thread in every allowed folder, found by IMAP SEARCH HEADER on
    /// the Message-Id, In-Reply-To and References ids (two rounds, so replies to replies are found), oldest first, at
    /// most <paramref name="max"/>.
    /// </summary>
    public Task<MailThread> GetThreadAsync(MessageRef reference, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        string name = AllowedFolder(reference.Folder, "message_id");
        return WithClientAsync(async (client, ct) =>
        {
            (_, IMessageSummary first) = await MessageAsync(client, name, reference, HeaderItems, ct);
            var ids = new HashSet<string>(StringComparer.Ordinal);
            AddIds(ids, first);
            var found = new Dictionary<string, MailSummary>(StringComparer.Ordinal);
            for (int round = 0; round < 2 && ids.Count > 0; round++)
            {
                var next = new HashSet<string>(ids, StringComparer.Ordinal);
                foreach (string folderName in Options.Folders)
                {
                    IMailFolder? folder = await TryOpenAsync(client, folderName, ct);
                    if (folder is null)
                    {
                        continue;
                    }

                    IList<UniqueId> uids = await folder.SearchAsync(MailSearch.Thread([.. ids.Take(MaxThreadIds)]), ct);
                    IList<IMessageSummary> summaries = await folder.FetchAsync([.. uids.OrderByDescending(u => u.Id).Take(max * 2)],
                        ListItems | MessageSummaryItems.References, ct);
                    foreach (IMessageSummary summary in summaries)
                    {
                        AddIds(next, summary);
                        string key = Env(summary).MessageId ?? $"{folderName}/{summary.UniqueId.Id}";
                        found.TryAdd(key, Summary(summary, folderName, folder.UidValidity));
                    }
                }

                if (next.SetEquals(ids))
                {
                    break;
                }

                ids = next;
            }

            List<MailSummary> ordered = [.. found.Values.OrderBy(m => m.Date ?? DateTimeOffset.MinValue)];
            return new MailThread([.. ordered.Take(max)], ordered.Count > max);
        }, cancellationToken);
    }

    /// <summary>Senders and recipients of the last <c>Email:CorrespondentsScan</c> messages of each allowed folder, newest first.</summary>
    public Task<IReadOnlyList<(MailboxAddress Mailbox, DateTimeOffset Date)>> RecentAddressesAsync(CancellationToken cancellationToken) =>
        WithClientAsync<IReadOnlyList<(MailboxAddress, DateTimeOffset)>>(async (client, ct) =>
        {
            var seen = new List<(MailboxAddress, DateTimeOffset)>();
            foreach (string folderName in Options.Folders)
            {
                IMailFolder? folder = await TryOpenAsync(client, folderName, ct);
                if (folder is null || folder.Count == 0)
                {
                    continue;
                }

                IList<IMessageSummary> summaries = await folder.FetchAsync(Math.Max(0, folder.Count - Options.CorrespondentsScan), -1,
                    MessageSummaryItems.Envelope | MessageSummaryItems.InternalDate, ct);
                foreach (IMessageSummary summary in summaries)
                {
                    DateTimeOffset date = Env(summary).Date ?? summary.InternalDate ?? DateTimeOffset.MinValue;
                    foreach (MailboxAddress mailbox in Env(summary).From.Mailboxes.Concat(Env(summary).To.Mailboxes).Concat(Env(summary).Cc.Mailboxes))
                    {
                        seen.Add((mailbox, date));
                    }
                }
            }

            return [.. seen.OrderByDescending(s => s.Item2)];
        }, cancellationToken);

    /// <summary>
    /// Appends <paramref name="message"/> with \Seen to <c>Email:SentFolder</c>, else the server's SPECIAL-USE \Sent
    /// folder, else "Sent". Returns null when saved, else a note safe to show (the folder is never created).
    /// </summary>
    public async Task<string?> SaveSentAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return await WithClientAsync(async (client, ct) =>
            {
                IMailFolder? folder = await SentFolderAsync(client, ct);
                if (folder is null)
                {
                    return $"The Sent folder '{Options.SentFolder ?? "Sent"}' does not exist on the server, so no copy was saved (an administrator sets Email:SentFolder).";
                }

                await folder.AppendAsync(new AppendRequest(message, MessageFlags.Seen), ct);
                return null;
            }, cancellationToken);
        }
        catch (BackendException e)
        {
            Log.SentCopyFailed(logger, e.Kind.ToString());
            return $"The message was sent, but saving the copy in the Sent folder failed ({e.SafeMessage ?? e.Kind.ToString()}).";
        }
    }

    public void Dispose()
    {
        _client?.Dispose();
        _gate.Dispose();
    }

    private const int MaxThreadIds = 30;

    private async Task<T> WithClientAsync<T>(Func<ImapClient, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(Options.Timeout * 3);
            try
            {
                if (_client is not { IsConnected: true, IsAuthenticated: true })
                {
                    _client?.Dispose();
                    _client = null;
                    _client = await connections.ImapAsync(bounded.Token);
                }

                ImapClient client = _client;
                return await connections.Imap(() => operation(client, bounded.Token), cancellationToken);
            }
            catch (Exception e) when (e is not ToolInputException && !(e is BackendException { Kind: BackendErrorKind.NotFound }))
            {
                // A failed or cancelled command can leave the conversation in an unknown state: start over next time.
                _client?.Dispose();
                _client = null;
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task<IMailFolder> OpenAsync(ImapClient client, string name, CancellationToken cancellationToken)
    {
        IMailFolder folder = string.Equals(name, "INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(name, cancellationToken);
        if (!folder.IsOpen)
        {
            await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        }

        return folder;
    }

    private async Task<IMailFolder?> TryOpenAsync(ImapClient client, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await OpenAsync(client, name, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            Log.FolderMissing(logger, name);
            return null;
        }
    }

    private async Task<IMailFolder?> SentFolderAsync(ImapClient client, CancellationToken cancellationToken)
    {
        if (Options.SentFolder is null && (client.Capabilities & (ImapCapabilities.SpecialUse | ImapCapabilities.XList)) != 0
            && client.GetFolder(SpecialFolder.Sent) is { } special)
        {
            return special;
        }

        try
        {
            return await client.GetFolderAsync(Options.SentFolder ?? "Sent", cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The folder of <paramref name="reference"/>, opened, and the message's summary; refused when the id is out of date.</summary>
    private static async Task<(IMailFolder Folder, IMessageSummary Summary)> MessageAsync(ImapClient client, string name, MessageRef reference,
        MessageSummaryItems items, CancellationToken cancellationToken)
    {
        IMailFolder folder = await OpenAsync(client, name, cancellationToken);
        if (folder.UidValidity != reference.UidValidity)
        {
            throw new ToolInputException("`message_id` is out of date (the folder was rebuilt on the server): search again for the message.");
        }

        IList<IMessageSummary> summaries = await folder.FetchAsync([new UniqueId(reference.UidValidity, reference.Uid)], items, cancellationToken);
        return (folder, summaries.FirstOrDefault() ?? throw new BackendException(BackendErrorKind.NotFound, "That message is no longer in its folder."));
    }

    private static async Task<IReadOnlyList<MailSummary>> SummariesAsync(IMailFolder folder, string name, List<UniqueId> uids, CancellationToken cancellationToken)
    {
        if (uids.Count == 0)
        {
            return [];
        }

        IList<IMessageSummary> summaries = await folder.FetchAsync(uids, ListItems | MessageSummaryItems.PreviewText, cancellationToken);
        return [.. summaries.Select(s => Summary(s, name, folder.UidValidity))];
    }

    private static MailSummary Summary(IMessageSummary s, string folder, uint validity)
    {
        Envelope envelope = Env(s);
        return new MailSummary(new MessageRef(folder, validity, s.UniqueId.Id).ToString(), folder,
            envelope.From.Mailboxes.FirstOrDefault() is { } from ? MessageRendering.Line(from.ToString(), 320) : null,
            MessageRendering.Addresses(envelope.To), envelope.Date ?? s.InternalDate, MessageRendering.Line(envelope.Subject),
            MessageRendering.Snippet(s.PreviewText), s.Flags is { } flags && !flags.HasFlag(MessageFlags.Seen),
            s.Attachments?.Count() ?? 0);
    }

    private static void AddIds(HashSet<string> ids, IMessageSummary summary)
    {
        foreach (string? id in new[] { Env(summary).MessageId, Env(summary).InReplyTo }.Concat(summary.References ?? []))
        {
            if (!string.IsNullOrWhiteSpace(id) && id.Length <= 250 && !id.Any(char.IsControl))
            {
                ids.Add(id.Trim('<', '>'));
            }
        }
    }

    private static Envelope Env(IMessageSummary summary) => summary.Envelope ?? new Envelope();

    private static uint Uid(string id) => MessageRef.Parse(id, "id").Uid;

    private static string? Clean(string? text) => text is null ? null : MessageRendering.Line(text, 250);
}
