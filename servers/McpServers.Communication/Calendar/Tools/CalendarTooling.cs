using System.Globalization;
using System.Text;
using System.Text.Json;
using McpServers.Communication.Calendar.Ical;
using McpServers.Communication.Calendar.Invitations;
using McpServers.Communication.Email;
using McpServers.Communication.Guards;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using Microsoft.Extensions.Logging;
using MimeKit;
using ModelContextProtocol.Server;

namespace McpServers.Communication.Calendar.Tools;

/// <summary>The meeting's times: wall-clock start and end in an IANA zone.</summary>
internal sealed record Schedule(DateTime Start, DateTime End, TimeZoneInfo Zone, string ZoneId);

/// <summary>
/// What the calendar tools do the same way: reading and checking times and texts, resolving attendees, the preview's
/// lines, and sending through the guards (reserve, send, release when nothing was sent, audit). A singleton: it holds no
/// per-call state.
/// </summary>
internal sealed class CalendarTooling(CalendarOptions options, SendGuard guard, IMailSender sender, AttendeeResolver resolver,
    InvitationStore store, TimeProvider time, ILogger<CalendarTooling> logger)
{
    /// <summary>ISO 8601 local date-time, optionally with seconds and an offset or Z.</summary>
    public const string DateTimePattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?$";

    /// <summary>One line: no control character at all (a CR or LF could forge an iCalendar property or a header).</summary>
    public const string SingleLinePattern = "^[^\\x00-\\x1f\\x7f]*$";

    /// <summary>Several lines: line breaks and tabs, no other control character.</summary>
    public const string MultiLinePattern = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$";

    /// <summary>A UID this server made, or the short id of a listing.</summary>
    public const string InvitationPattern = "^[A-Za-z0-9@._-]{1,255}$";

    public const string MaxLengthJustification = "Only the attribute's Length is read, to advertise maxItems; DataAnnotations validation is never run.";

    public const int MaxTitle = 200;
    public const int MaxLocation = 255;
    public const int MaxDescription = 8000;

    /// <summary>How far ahead a meeting may start: further is almost surely a wrong year.</summary>
    private const int MaxYearsAhead = 5;

    /// <summary>The longest meeting an invitation may describe.</summary>
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(14);

    public MailboxAddress Organizer => sender.From;

    public InvitationStore Store => store;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>
    /// The start and end: <paramref name="start"/> as a wall-clock time in the zone (or an instant with an offset, then
    /// shown in the zone); the end from <paramref name="end"/>, else <paramref name="durationMinutes"/>, else
    /// Calendar:DefaultDurationMinutes. Refuses times that do not exist or occur twice in the zone (DST changes), an end not
    /// after the start, meetings over 14 days, and a start in the past.
    /// </summary>
    public Schedule Times(string start, string? end, int? durationMinutes, string? timeZone)
    {
        (TimeZoneInfo zone, string zoneId) = CalendarZones.Resolve(timeZone, options.TimeZone);
        DateTime from = Local(start, "start", zone, zoneId);
        if (end is not null && durationMinutes is not null)
        {
            throw new ToolInputException("Give either `end` or `duration_minutes`, not both.");
        }

        DateTime to = end is not null ? Local(end, "end", zone, zoneId) : from.AddMinutes(durationMinutes ?? options.DefaultDurationMinutes);
        if (to <= from)
        {
            throw new ToolInputException("`end` must be after `start`.");
        }

        if (end is null)
        {
            Check(to, "end", zone, zoneId);
        }

        if (TimeZoneInfo.ConvertTimeToUtc(to, zone) - TimeZoneInfo.ConvertTimeToUtc(from, zone) > MaxDuration)
        {
            throw new ToolInputException("A meeting may last at most 14 days.");
        }

        DateTimeOffset now = time.GetUtcNow();
        if (TimeZoneInfo.ConvertTimeToUtc(from, zone) > now.UtcDateTime.AddYears(MaxYearsAhead))
        {
            throw new ToolInputException($"`start` is more than {MaxYearsAhead} years ahead; check the date with the user.");
        }

        if (TimeZoneInfo.ConvertTimeToUtc(from, zone) < now.UtcDateTime)
        {
            string local = TimeZoneInfo.ConvertTime(now, zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
            throw new ToolInputException($"`start` is in the past: it is now {local} in {zoneId}. Check the date (and year) with the user.");
        }

        return new Schedule(from, to, zone, zoneId);
    }

    /// <summary>A one-line text: control characters refused, invisible ones (bidi, zero-width) removed, trimmed.</summary>
    public static string Line(string? value, string parameterName, int maxLength, bool required)
    {
        string clean = TextHygiene.Clean(value).Trim();
        if (clean.Any(char.IsControl))
        {
            throw new ToolInputException($"`{parameterName}` must be one line without control characters.");
        }

        if (required && clean.Length == 0)
        {
            throw new ToolInputException($"`{parameterName}` must have visible text.");
        }

        return clean.Length <= maxLength ? clean : throw new ToolInputException($"`{parameterName}` may be at most {maxLength} characters.");
    }

    /// <summary>A multi-line text: line breaks normalised to LF, tabs kept, any other control character refused.</summary>
    public static string? Lines(string? value, string parameterName, int maxLength)
    {
        string clean = TextHygiene.Clean(value).ReplaceLineEndings("\n").Trim();
        if (clean.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
        {
            throw new ToolInputException($"`{parameterName}` may hold line breaks and tabs but no other control characters.");
        }

        return clean.Length == 0 ? null
            : clean.Length <= maxLength ? clean : throw new ToolInputException($"`{parameterName}` may be at most {maxLength} characters.");
    }

    /// <summary>
    /// Each attendee: an address (parsed and checked by the send guard), or a name resolved from the address book or
    /// recent correspondents (exactly one match, else refused with the candidates). Duplicates are dropped; at most
    /// Calendar:MaxAttendees.
    /// </summary>
    public async Task<IReadOnlyList<ResolvedAttendee>> AttendeesAsync(IReadOnlyList<string>? attendees, CancellationToken cancellationToken)
    {
        if (attendees is null || attendees.Count == 0)
        {
            throw new ToolInputException("`attendees` must name at least one person: an e-mail address, or a name from the address book or recent correspondents.");
        }

        if (attendees.Count > options.MaxAttendees)
        {
            throw new ToolInputException($"An invitation may have at most {options.MaxAttendees} attendees (Calendar:MaxAttendees).");
        }

        var resolved = new List<ResolvedAttendee>();
        for (int i = 0; i < attendees.Count; i++)
        {
            string parameter = $"attendees[{i}]";
            string given = attendees[i] ?? "";
            if (given.Any(char.IsControl))
            {
                throw new ToolInputException($"`{parameter}` must be one line without control characters.");
            }

            ResolvedAttendee attendee = given.Contains('@', StringComparison.Ordinal)
                ? new ResolvedAttendee(given, guard.Recipients([given], parameter).Single(), "address")
                : await resolver.ResolveNameAsync(Line(given, parameter, 100, required: true), parameter, cancellationToken);
            CheckWritable(attendee.Mailbox.Address, parameter);
            if (!resolved.Exists(r => string.Equals(r.Mailbox.Address, attendee.Mailbox.Address, StringComparison.OrdinalIgnoreCase)))
            {
                resolved.Add(attendee);
            }
        }

        return resolved;
    }

    /// <summary>The guards' checks before anyone is asked (and again in the tool): recipients allowlisted, caps not reached.</summary>
    public bool CheckSend(string tool, IReadOnlyCollection<MailboxAddress> recipients, string subject)
    {
        guard.HeaderText(subject, "title", 998);
        guard.CheckRecipients(recipients, [], []);
        guard.CheckCaps(tool);
        return guard.NeedsConfirmation(recipients);
    }

    /// <summary>
    /// An invitation this server sent and has not cancelled, by uid or listing id, as its next message describes it
    /// (SEQUENCE + 1, stamped now); refused when unknown, cancelled, or sent from another organizer than Email:From now.
    /// </summary>
    public async Task<(StoredInvitation Stored, CalendarEvent Next)> SentInvitationAsync(string? idOrUid, CancellationToken cancellationToken)
    {
        string key = (idOrUid ?? "").Trim();
        StoredInvitation stored = (key.Length == 0 ? null : await store.FindAsync(key, cancellationToken))
            ?? throw new ToolInputException($"`invitation` '{ConfirmationPreview.Value(key)}' is not an invitation this server sent (or it was pruned from its store); calendar_list_invitations lists the ones it can cancel or update.");
        if (stored.CancelledAt is not null)
        {
            throw new ToolInputException($"The invitation '{stored.Summary}' ({stored.Id}) was already cancelled.");
        }

        CalendarPerson organizer = OrganizerPerson();
        if (!string.Equals(stored.Organizer, organizer.Address, StringComparison.OrdinalIgnoreCase))
        {
            throw new ToolInputException($"The invitation '{stored.Summary}' ({stored.Id}) was sent by {stored.Organizer}, but this server now sends as {organizer.Address} (Email:From); attendees' calendars would not accept a change from another organizer.");
        }

        var next = new CalendarEvent(stored.Uid, stored.Sequence + 1, stored.Summary, stored.Description, stored.Location, stored.Start, stored.End,
            stored.TimeZone, organizer, [.. stored.Attendees.Select(a => new CalendarPerson(a.Address, a.Name))], time.GetUtcNow());
        return (stored, next);
    }

    /// <summary>The mailboxes of an event's attendees, for the guards.</summary>
    public static IReadOnlyList<MailboxAddress> Mailboxes(CalendarEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return [.. e.Attendees.Select(a => new MailboxAddress(a.Name, a.Address))];
    }

    /// <summary>The organizer as the invitation names them: Email:From.</summary>
    public CalendarPerson OrganizerPerson()
    {
        CheckWritable(sender.From.Address, "Email:From");
        return new CalendarPerson(sender.From.Address, Name(sender.From.Name));
    }

    /// <summary>A CN for a person: one line, no double quote (it could not be written in a parameter), null when empty.</summary>
    public static string? Name(string? name)
    {
        string clean = new([.. TextHygiene.Clean(name).Where(c => !char.IsControl(c)).Select(c => c == '"' ? '\'' : c)]);
        return clean.Trim().Length == 0 ? null : clean.Trim();
    }

    /// <summary>
    /// Sends one invitation message: counted against the caps first (released again if the server refused it, so nothing
    /// was sent), then audited with recipients, message id and size, never the text.
    /// </summary>
    public async Task<SentMail> SendAsync(MessageContext context, string tool, MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        SendReservation reservation = await guard.ReserveAsync(tool, cancellationToken);
        SentMail sent;
        try
        {
            sent = await sender.SendAsync(message, cancellationToken);
        }
        catch (BackendException)
        {
            await reservation.ReleaseAsync(CancellationToken.None);
            throw;
        }

        guard.AuditSent(context, tool, message.To.Mailboxes.Select(m => m.Address), sent.MessageId, sent.SizeBytes);
        return sent;
    }

    /// <summary>Remembers a sent invitation; a failure is reported (the message did go out) instead of thrown.</summary>
    public async Task<bool> RememberAsync(StoredInvitation invitation, CancellationToken cancellationToken)
    {
        try
        {
            await store.SaveAsync(invitation, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BackendException)
        {
            Log.StoreWriteFailed(logger, e);
            return false;
        }
    }

    /// <summary>The preview's lines about the meeting: organizer, attendees (with how names resolved), title, time, place, text.</summary>
    public static void AppendMeeting(StringBuilder text, CalendarEvent e, IReadOnlyList<ResolvedAttendee>? attendees)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(e);
        text.Append("\n- organizer (from): ").Append(ConfirmationPreview.Value(e.Organizer.Address));
        text.Append("\n- attendees (to): ");
        if (attendees is null)
        {
            text.Append(string.Join(", ", e.Attendees.Select(a => ConfirmationPreview.Value(a.Address))));
        }
        else
        {
            text.Append(string.Join(", ", attendees.Select(Attendee)));
        }

        text.Append("\n- title: ").Append(ConfirmationPreview.Value(e.Summary))
            .Append("\n- when: ").Append(ConfirmationPreview.Value(InvitationMail.When(e)));
        if (e.Location is not null)
        {
            text.Append("\n- location: ").Append(ConfirmationPreview.Value(e.Location));
        }

        if (e.Description is not null)
        {
            text.Append("\n- description: ").Append(ConfirmationPreview.Value(Cut(e.Description)));
        }
    }

    /// <summary>How the message went: saved to Sent or why not, and whether the invitation is remembered for cancelling.</summary>
    public static void AppendDelivery(StringBuilder text, SentMail sent, bool remembered)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sent);
        if (!sent.SavedToSent)
        {
            text.Append(" The copy in the Sent folder was not saved").Append(sent.Note is null ? "." : $": {sent.Note}");
        }

        if (!remembered)
        {
            text.Append(" It could not be remembered in the store of sent invitations (see the server log), so this server cannot cancel or update it.");
        }
    }

    /// <summary>A wall-clock time as results show it: <c>2026-12-03T10:00:00</c>.</summary>
    public static string Iso(DateTime local) => local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A string argument as validated against the schema, or null when absent or null.</summary>
    public static string? Text(IReadOnlyDictionary<string, JsonElement> arguments, string name)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return arguments.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    public static int? Number(IReadOnlyDictionary<string, JsonElement> arguments, string name)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return arguments.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number)
            ? number : null;
    }

    public static IReadOnlyList<string>? List(IReadOnlyDictionary<string, JsonElement> arguments, string name)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return arguments.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText())]
            : null;
    }

    /// <summary>A new UID: random, at the organizer's domain (RFC 5545 §3.8.4.7), so no two invitations share one.</summary>
    public string NewUid()
    {
        string address = sender.From.Address;
        string domain = address[(address.LastIndexOf('@') + 1)..];
        return $"{Guid.NewGuid():N}@{domain}";
    }

    /// <summary>The short listing id of a UID.</summary>
    public static string ShortId(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        return uid.Length >= 10 ? uid[..10] : uid;
    }

    private static string Attendee(ResolvedAttendee a)
    {
        string address = ConfirmationPreview.Value(a.Mailbox.Address);
        return a.Source == "address" ? address : $"{address} ('{ConfirmationPreview.Value(a.Given)}', from the {a.Source}: {AttendeeResolver.Clean(a.Mailbox.Name)})";
    }

    /// <summary>A long description cut for the preview, with its total length.</summary>
    private static string Cut(string text) => text.Length <= 3000 ? text
        : string.Create(CultureInfo.InvariantCulture, $"{text[..3000]}… (cut here for the preview; {text.Length} characters in all)");

    /// <summary>An address goes into <c>mailto:</c> of an iCalendar property: no spaces, quotes or angle brackets.</summary>
    private static void CheckWritable(string address, string parameterName)
    {
        if (address.Length == 0 || address.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '"' or '<' or '>' or ';' or ','))
        {
            throw new ToolInputException($"`{parameterName}`: '{ConfirmationPreview.Value(address)}' cannot be used in an invitation; use a plain address like name@example.com.");
        }
    }

    private static DateTime Local(string text, string parameterName, TimeZoneInfo zone, string zoneId)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        string[] offsetFormats = ["yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK"];
        string[] localFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"];
        DateTime local;
        if (text.EndsWith('Z') || (text.Length > 6 && text[^6] is '+' or '-'))
        {
            if (!DateTimeOffset.TryParseExact(text, offsetFormats, invariant, DateTimeStyles.None, out DateTimeOffset instant))
            {
                throw new ToolInputException($"`{parameterName}` must be a real date-time like 2026-12-03T10:00 (local to time_zone) or 2026-12-03T10:00+01:00.");
            }

            local = DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(instant, zone).DateTime, DateTimeKind.Unspecified);
        }
        else if (!DateTime.TryParseExact(text, localFormats, invariant, DateTimeStyles.None, out local))
        {
            throw new ToolInputException($"`{parameterName}` must be a real date-time like 2026-12-03T10:00 (local to time_zone) or 2026-12-03T10:00+01:00.");
        }

        // Also keeps the date arithmetic below far from DateTime's limits.
        if (local.Year < 2000 || local.Year > 2200)
        {
            throw new ToolInputException($"`{parameterName}` must be a date between the years 2000 and 2200.");
        }

        Check(local, parameterName, zone, zoneId);
        return local;
    }

    /// <summary>A wall-clock time written with TZID must name one instant: not in the hour skipped or repeated by a DST change.</summary>
    private static void Check(DateTime local, string parameterName, TimeZoneInfo zone, string zoneId)
    {
        string shown = local.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        if (zone.IsInvalidTime(local))
        {
            throw new ToolInputException($"`{parameterName}` {shown} does not exist in {zoneId} (the clocks go forward then); choose another time.");
        }

        if (zone.IsAmbiguousTime(local))
        {
            throw new ToolInputException($"`{parameterName}` {shown} happens twice in {zoneId} (the clocks go back then); choose another time.");
        }
    }
}
