using System.Text.Json;
using McpServers.Communication.Calendar.Invitations;
using McpServers.Communication.Email;
using MimeKit;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using static McpServers.Communication.Tests.Calendar.CalendarToolHost;
using IcalCalendar = Ical.Net.Calendar;

namespace McpServers.Communication.Tests.Calendar;

/// <summary>calendar_send_invitation, calendar_cancel_invitation and calendar_list_invitations through the server's whole pipeline.</summary>
public sealed class CalendarToolTests
{
    private const string Invite = """{"title":"Budget review","start":"2026-12-03T10:00","duration_minutes":90,"attendees":["Scully","lee@b.test"],"location":"Room 4, B","description":"Agenda:\n1. numbers"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_AsksTheUserWithEverythingThatWillBeSent_ThenSendsAnInvitationCalendarsRead()
    {
        await using CalendarToolHost host = await StartAsync();

        CallToolResult result = await host.CallAsync("calendar_send_invitation", Invite);

        Assert.True(result.IsError is null or false, Text(result));
        string question = Assert.Single(host.Questions);
        Assert.Contains("Allow 'calendar_send_invitation' to do this?\nSend this calendar invitation by e-mail:\n- organizer (from): me@a.test\n" +
            "- attendees (to): dana@a.test ('Scully', from the address book: Dana Scully), lee@b.test\n- title: Budget review\n" +
            "- when: Thursday 3 December 2026 10:00-11:30 (Europe/Berlin)\n- location: Room 4, B\n- description: Agenda:\\n1. numbers", question, StringComparison.Ordinal);

        MimeMessage message = Assert.Single(host.Sender.Sent);
        Assert.Equal(["dana@a.test", "lee@b.test"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("Invitation: Budget review @ Thu 3 Dec 2026 10:00-11:30 (Europe/Berlin)", message.Subject);
        (string calendar, ContentType type) = CalendarPart(message);
        Assert.Equal("utf-8", type.Charset);
        Assert.Equal("REQUEST", type.Parameters["method"]);
        Assert.Equal("invite.ics", type.Name);
        IcalCalendar parsed = IcalCalendar.Load(calendar)!;
        Assert.Equal("REQUEST", parsed.Method);
        Ical.Net.CalendarComponents.CalendarEvent e = Assert.Single(parsed.Events);
        JsonElement output = Structured(result);
        Assert.Equal(output.GetProperty("uid").GetString(), e.Uid);
        Assert.Equal(0, e.Sequence);
        Assert.Equal(new DateTime(2026, 12, 3, 9, 0, 0, DateTimeKind.Utc), e.DtStart!.AsUtc);
        Assert.Equal(new DateTime(2026, 12, 3, 10, 30, 0, DateTimeKind.Utc), e.DtEnd!.AsUtc);
        Assert.Equal(new Uri("mailto:me@a.test"), e.Organizer!.Value);
        Assert.Equal(["mailto:dana@a.test", "mailto:lee@b.test"], e.Attendees.Select(a => a.Value!.ToString()));
        Assert.Equal("Dana Scully", e.Attendees[0].CommonName);
        Assert.Equal("2026-12-03T10:00:00", output.GetProperty("start").GetString());
        Assert.True(output.GetProperty("remembered").GetBoolean());
        Assert.Contains("sent by calendar_send_invitation to dana@a.test, lee@b.test", host.Server.AuditEvents()[^1].GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_AfterARestart_SendsMethodCancelWithTheSameUidAndNextSequence_ToTheSameAttendees()
    {
        string uid, id, folder;
        await using (CalendarToolHost first = await StartAsync())
        {
            JsonElement sent = Structured(await first.CallAsync("calendar_send_invitation", Invite));
            uid = sent.GetProperty("uid").GetString()!;
            id = sent.GetProperty("id").GetString()!;
            folder = first.Folder;
        }

        await using CalendarToolHost restarted = await StartAsync(folder);
        CallToolResult listed = await restarted.CallAsync("calendar_list_invitations", "{}");
        CallToolResult cancelled = await restarted.CallAsync("calendar_cancel_invitation", $$"""{"invitation":"{{id}}","message":"Moved to next year."}""");
        CallToolResult again = await restarted.CallAsync("calendar_cancel_invitation", $$"""{"invitation":"{{uid}}"}""");

        Assert.Contains($"{id} sent: Budget review, 2026-12-03T10:00:00 to 2026-12-03T11:30:00 (Europe/Berlin), to dana@a.test, lee@b.test [uid {uid}]", Text(listed), StringComparison.Ordinal);
        Assert.True(cancelled.IsError is null or false, Text(cancelled));
        Assert.Contains("Cancel this meeting, telling every attendee by e-mail:", Assert.Single(restarted.Questions), StringComparison.Ordinal);
        Assert.Contains("- message: Moved to next year.", restarted.Questions.Single(), StringComparison.Ordinal);
        MimeMessage message = Assert.Single(restarted.Sender.Sent);
        Assert.Equal(["dana@a.test", "lee@b.test"], message.To.Mailboxes.Select(m => m.Address));
        Assert.StartsWith("Cancelled: Budget review", message.Subject, StringComparison.Ordinal);
        (string calendar, ContentType type) = CalendarPart(message);
        Assert.Equal("CANCEL", type.Parameters["method"]);
        IcalCalendar parsed = IcalCalendar.Load(calendar)!;
        Assert.Equal("CANCEL", parsed.Method);
        Ical.Net.CalendarComponents.CalendarEvent e = Assert.Single(parsed.Events);
        Assert.Equal(uid, e.Uid);
        Assert.Equal(1, e.Sequence);
        Assert.Equal("CANCELLED", e.Status);
        Assert.Equal(2, e.Attendees.Count);
        Assert.True(again.IsError);
        Assert.Contains("was already cancelled", Text(again), StringComparison.Ordinal);
        StoredInvitation stored = Assert.Single(await new InvitationStore(Path.Combine(folder, "invitations.json"), 100,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<InvitationStore>.Instance).ReadAllAsync(Ct));
        Assert.Equal(1, stored.Sequence);
        Assert.NotNull(stored.CancelledAt);
    }

    [Fact]
    public async Task Update_MovesTheMeeting_WithTheSameUidAndNextSequence_KeepingItsLength_AndACancelAfterItIsTheSequenceAfterThat()
    {
        await using CalendarToolHost host = await StartAsync();
        JsonElement sent = Structured(await host.CallAsync("calendar_send_invitation", Invite));
        string uid = sent.GetProperty("uid").GetString()!;

        CallToolResult updated = await host.CallAsync("calendar_update_invitation", $$"""{"invitation":"{{uid}}","start":"2026-12-04T14:00","title":"Budget review (moved)"}""");
        CallToolResult listed = await host.CallAsync("calendar_list_invitations", "{}");
        CallToolResult cancelled = await host.CallAsync("calendar_cancel_invitation", $$"""{"invitation":"{{uid}}"}""");

        Assert.True(updated.IsError is null or false, Text(updated));
        Assert.Contains("- title: Budget review (moved)\n- when: Friday 4 December 2026 14:00-15:30 (Europe/Berlin)",
            host.Questions.ElementAt(1), StringComparison.Ordinal);
        Assert.Contains("- until now: Budget review, Thursday 3 December 2026 10:00-11:30 (Europe/Berlin)", host.Questions.ElementAt(1), StringComparison.Ordinal);
        MimeMessage[] messages = [.. host.Sender.Sent];
        Assert.Equal(3, messages.Length);
        Assert.StartsWith("Updated invitation: Budget review (moved)", messages[1].Subject, StringComparison.Ordinal);
        Ical.Net.CalendarComponents.CalendarEvent moved = Assert.Single(IcalCalendar.Load(CalendarPart(messages[1]).Calendar)!.Events);
        Assert.Equal(uid, moved.Uid);
        Assert.Equal(1, moved.Sequence);
        Assert.Equal(new DateTime(2026, 12, 4, 13, 0, 0, DateTimeKind.Utc), moved.DtStart!.AsUtc);
        Assert.Equal(new DateTime(2026, 12, 4, 14, 30, 0, DateTimeKind.Utc), moved.DtEnd!.AsUtc);
        Assert.Equal("Room 4, B", moved.Location);
        Assert.Contains(" updated: Budget review (moved), 2026-12-04T14:00:00 to 2026-12-04T15:30:00", Text(listed), StringComparison.Ordinal);
        Assert.True(cancelled.IsError is null or false, Text(cancelled));
        Ical.Net.CalendarComponents.CalendarEvent cancel = Assert.Single(IcalCalendar.Load(CalendarPart(messages[2]).Calendar)!.Events);
        Assert.Equal(2, cancel.Sequence);
        Assert.Equal(new DateTime(2026, 12, 4, 13, 0, 0, DateTimeKind.Utc), cancel.DtStart!.AsUtc);
    }

    [Fact]
    public async Task CancelOfAnUnknownInvitation_IsRefusedBeforeAnyQuestion()
    {
        await using CalendarToolHost host = await StartAsync();

        CallToolResult result = await host.CallAsync("calendar_cancel_invitation", """{"invitation":"0123456789abcdef@elsewhere.test"}""");

        Assert.True(result.IsError);
        Assert.Contains("is not an invitation this server sent", Text(result), StringComparison.Ordinal);
        Assert.Empty(host.Questions);
        Assert.Empty(host.Sender.Sent);
    }

    [Theory]
    [InlineData("Dana", "'Dana' matches dana@a.test (Dana Scully) and dana.lee@b.test (Dana Lee): which one?")]
    [InlineData("Lee", "'Lee' matches dana.lee@b.test (Dana Lee) and lee@b.test (Lee Adams): which one?")]
    [InlineData("Mulder", "'Mulder' matches nobody in the address book (Calendar:AddressBook)")]
    public async Task AnAmbiguousOrUnknownName_IsAQuestionBeforeAnyPreview_AndNothingIsSent(string name, string expected)
    {
        await using CalendarToolHost host = await StartAsync();

        CallToolResult result = await host.CallAsync("calendar_send_invitation", $$"""{"title":"Review","start":"2026-12-03T10:00","attendees":["{{name}}"]}""");

        Assert.True(result.IsError);
        Assert.Contains(expected, Text(result), StringComparison.Ordinal);
        Assert.Empty(host.Questions);
        Assert.Empty(host.Sender.Sent);
    }

    [Fact]
    public async Task ANameFromRecentCorrespondents_IsResolvedAndShown()
    {
        await using CalendarToolHost host = await StartAsync(correspondents: new Correspondents(new MailboxAddress("Kim Park", "kim@b.test")));

        CallToolResult result = await host.CallAsync("calendar_send_invitation", """{"title":"Review","start":"2026-12-03T10:00","attendees":["Kim"]}""");

        Assert.True(result.IsError is null or false, Text(result));
        Assert.Contains("kim@b.test ('Kim', from the recent correspondents: Kim Park)", host.Questions.Single(), StringComparison.Ordinal);
        Assert.Equal("kim@b.test", Assert.Single(host.Sender.Sent).To.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task ARecipientOutsideTheAllowlist_IsRefusedBeforeAnyQuestion()
    {
        await using CalendarToolHost host = await StartAsync();

        CallToolResult byName = await host.CallAsync("calendar_send_invitation", """{"title":"Review","start":"2026-12-03T10:00","attendees":["Omar"]}""");
        CallToolResult byAddress = await host.CallAsync("calendar_send_invitation", """{"title":"Review","start":"2026-12-03T10:00","attendees":["dana@a.test","x@evil.test"]}""");

        Assert.True(byName.IsError);
        Assert.Contains("omar@outside.test is not in an allowed domain", Text(byName), StringComparison.Ordinal);
        Assert.True(byAddress.IsError);
        Assert.Contains("x@evil.test is not in an allowed domain", Text(byAddress), StringComparison.Ordinal);
        Assert.Empty(host.Questions);
        Assert.Empty(host.Sender.Sent);
    }

    [Theory]
    [InlineData("""{"title":"Review\r\nATTENDEE:mailto:x@evil.test","start":"2026-12-03T10:00","attendees":["dana@a.test"]}""")]
    [InlineData("""{"title":"Review","start":"2026-12-03T10:00","attendees":["dana@a.test"],"location":"Room 1\nEND:VEVENT"}""")]
    [InlineData("""{"title":"Review","start":"2026-12-03T10:00","attendees":["Dana\r\nScully"]}""")]
    [InlineData("""{"title":"Review","start":"2026-12-03T10:00","attendees":["Dana <dana@a.test>\r\nBcc: x@evil.test"]}""")]
    [InlineData("""{"title":"Review","start":"2026-12-03T10:00","attendees":["\"Dana\r\nX\" <dana@a.test>"]}""")]
    [InlineData("""{"title":"Review","start":"2026-12-03T10:00\r\nX","attendees":["dana@a.test"]}""")]
    [InlineData("""{"title":"Review","start":"2026-12-03T10:00","attendees":["dana@a.test"],"time_zone":"Europe/Berlin\nX"}""")]
    public async Task LineBreaksInAnyValue_AreRefused_AndNothingIsAskedOrSent(string arguments)
    {
        await using CalendarToolHost host = await StartAsync();

        CallToolResult result = await host.CallAsync("calendar_send_invitation", arguments);

        Assert.True(result.IsError);
        Assert.Empty(host.Questions);
        Assert.Empty(host.Sender.Sent);
    }

    [Theory]
    [InlineData("""{"title":"Review","start":"2026-03-29T02:30","attendees":["dana@a.test"]}""", "does not exist in Europe/Berlin")]
    [InlineData("""{"title":"Review","start":"2026-10-25T02:30","attendees":["dana@a.test"]}""", "happens twice in Europe/Berlin")]
    [InlineData("""{"title":"Review","start":"2026-05-01T10:00","attendees":["dana@a.test"]}""", "`start` is in the past: it is now 2026-06-01T11:00 in Europe/Berlin")]
    [InlineData("""{"title":"Review","start":"2026-12-03T10:00","end":"2026-12-03T09:00","attendees":["dana@a.test"]}""", "`end` must be after `start`")]
    [InlineData("""{"title":"Review","start":"2026-12-03T10:00","attendees":["dana@a.test"],"time_zone":"Mars/Olympus"}""", "is not an IANA time zone id")]
    public async Task TimesThatAreNotOneInstantInTheFuture_AreRefused(string arguments, string expected)
    {
        await using CalendarToolHost host = await StartAsync();

        CallToolResult result = await host.CallAsync("calendar_send_invitation", arguments);

        Assert.True(result.IsError);
        Assert.Contains(expected, Text(result), StringComparison.Ordinal);
        Assert.Empty(host.Sender.Sent);
    }

    [Fact]
    public async Task AStartWithAnOffset_IsShownAndWrittenInTheZone()
    {
        await using CalendarToolHost host = await StartAsync();

        CallToolResult result = await host.CallAsync("calendar_send_invitation",
            """{"title":"Call","start":"2026-12-03T15:00Z","end":"2026-12-03T16:00Z","time_zone":"America/New_York","attendees":["dana@a.test"]}""");

        Assert.Contains("- when: Thursday 3 December 2026 10:00-11:00 (America/New_York)", host.Questions.Single(), StringComparison.Ordinal);
        (string calendar, _) = CalendarPart(Assert.Single(host.Sender.Sent));
        Assert.Contains("DTSTART;TZID=America/New_York:20261203T100000\r\n", calendar, StringComparison.Ordinal);
        Assert.Equal("America/New_York", Structured(result).GetProperty("time_zone").GetString());
    }

    [Fact]
    public async Task WhenTheUserDeclines_NothingIsSentOrRemembered()
    {
        await using CalendarToolHost host = await StartAsync(answer: false);

        CallToolResult result = await host.CallAsync("calendar_send_invitation", Invite);
        CallToolResult listed = await host.CallAsync("calendar_list_invitations", "{}");

        Assert.True(result.IsError);
        Assert.Single(host.Questions);
        Assert.Empty(host.Sender.Sent);
        Assert.Equal(0, Structured(listed).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task AClientThatCannotAskTheUser_IsRefused_EvenWithoutAnyTokenOffered()
    {
        await using CalendarToolHost host = await StartAsync(answer: null);

        CallToolResult result = await host.CallAsync("calendar_send_invitation", Invite);

        Assert.True(result.IsError);
        Assert.Contains("needs the user's own confirmation in the client", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain("confirmation_token\": \"", Text(result), StringComparison.Ordinal);
        Assert.Empty(host.Sender.Sent);
    }

    [Fact]
    public async Task WhenTheMailServerRefuses_NothingIsRemembered_AndTheCapIsNotUsedUp()
    {
        await using CalendarToolHost host = await StartAsync(settings: new() { ["Guards:Tools:calendar_send_invitation:PerHour"] = "1" });
        host.Sender.Refuse = true;

        CallToolResult refused = await host.CallAsync("calendar_send_invitation", Invite);
        host.Sender.Refuse = false;
        CallToolResult sent = await host.CallAsync("calendar_send_invitation", Invite);

        Assert.True(refused.IsError);
        Assert.True(sent.IsError is null or false, Text(sent));
        Assert.Single(host.Sender.Sent);
        Assert.Equal(1, Structured(await host.CallAsync("calendar_list_invitations", "{}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task WithoutEmailSending_TheCalendarToolsDoNotExist()
    {
        // Slack alone is configured (the server refuses to start with no backend at all); nothing reaches it.
        await using CalendarToolHost host = await StartAsync(withSender: false, settings: new Dictionary<string, string?>
        {
            ["Slack:BaseUrl"] = "http://127.0.0.1:9/api/",
            ["Slack:BotToken"] = Slack.FakeSlack.BotToken,
            ["Slack:Channels"] = "#release",
        });

        IList<McpClientTool> tools = await host.Client.ListToolsAsync(cancellationToken: Ct);

        Assert.DoesNotContain(tools, t => t.Name.StartsWith("calendar_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheListPages_WithACursor()
    {
        await using CalendarToolHost host = await StartAsync();
        for (int i = 0; i < 3; i++)
        {
            await host.CallAsync("calendar_send_invitation", $$"""{"title":"Review {{i}}","start":"2026-12-0{{i + 1}}T10:00","attendees":["dana@a.test"]}""");
        }

        JsonElement first = Structured(await host.CallAsync("calendar_list_invitations", """{"max_results":2}"""));
        JsonElement second = Structured(await host.CallAsync("calendar_list_invitations", $$"""{"max_results":2,"cursor":"{{first.GetProperty("next_cursor").GetString()}}"}"""));

        Assert.Equal(2, first.GetProperty("count").GetInt32());
        Assert.True(first.GetProperty("truncated").GetBoolean());
        Assert.Equal(1, second.GetProperty("count").GetInt32());
        Assert.False(second.GetProperty("truncated").GetBoolean());
        string[] titles = [.. first.GetProperty("invitations").EnumerateArray().Concat(second.GetProperty("invitations").EnumerateArray()).Select(i => i.GetProperty("title").GetString()!)];
        Assert.Equal(3, titles.Distinct().Count());
    }

    private sealed class Correspondents(params MailboxAddress[] people) : ICorrespondents
    {
        public Task<IReadOnlyList<MailboxAddress>> FindAsync(string name, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<MailboxAddress>>([.. people.Where(p => NameMatch.Matches(name, p.Name, p.Address))]);
    }
}
