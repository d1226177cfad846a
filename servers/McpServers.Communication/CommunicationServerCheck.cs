using System.Globalization;
using McpServers.Communication.Calendar;
using McpServers.Communication.Email;
using McpServers.Communication.Email.Backend;
using McpServers.Communication.Guards;
using McpServers.Communication.Slack;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Communication;

/// <summary>
/// <c>--check</c>: each configured backend reached once (IMAP sign-in and every allowed folder, SMTP sign-in without
/// sending, each Slack token and the channel allowlist), and the guards that decide whether anything can be sent.
/// A backend that fails is a FAIL line in its own safe words naming the setting; the others are still checked.
/// </summary>
internal sealed class CommunicationServerCheck(IServiceProvider services) : IServerCheck
{
    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        ImapMailbox? mailbox = services.GetService<ImapMailbox>();
        SlackGateway? slack = services.GetService<SlackGateway>();
        if (mailbox is null && slack is null && services.GetService<IMailSender>() is null)
        {
            return [new CheckResult("backends", CheckStatus.Failed, "No backend is configured.", CommunicationServer.BackendSettings)];
        }

        if (mailbox is not null)
        {
            results.Add(await Reach("imap", async () =>
            {
                IReadOnlyList<(string Folder, int? Count)> folders = await mailbox.CheckFoldersAsync(cancellationToken);
                string listed = string.Join(", ", folders.Select(f => f.Count is { } n ? string.Create(CultureInfo.InvariantCulture, $"{f.Folder} ({n} messages)") : $"{f.Folder} (missing)"));
                return folders.Any(f => f.Count is null)
                    ? new CheckResult("imap", CheckStatus.Warning, $"signed in; a folder in Email:Folders does not exist: {listed}", "Email:Folders")
                    : new CheckResult("imap", CheckStatus.Ok, $"signed in; allowed folders: {listed}");
            }));
        }

        if (services.GetService<SmtpMailSender>() is { } sender)
        {
            results.Add(await Reach("smtp", async () =>
            {
                await sender.CheckAsync(cancellationToken);
                return new CheckResult("smtp", CheckStatus.Ok, $"signed in to the submission server; messages go out from {sender.From.Address}");
            }));
        }
        else if (mailbox is not null)
        {
            results.Add(new CheckResult("smtp", CheckStatus.Warning, "not configured: e-mail and invitations cannot be sent", "Email:SmtpHost and Email:From"));
        }

        if (slack is not null)
        {
            results.Add(await Reach("slack", async () =>
                new CheckResult("slack", CheckStatus.Ok, string.Join(" ", await slack.CheckAsync(cancellationToken)))));
        }

        results.AddRange(Guards());
        return results;
    }

    /// <summary>What the guards allow, so an administrator sees why a send would be refused before anyone tries.</summary>
    private IEnumerable<CheckResult> Guards()
    {
        GuardOptions guards = services.GetRequiredService<GuardOptions>();
        if (services.GetService<IMailSender>() is not null)
        {
            yield return guards.AllowedRecipientDomains.Count == 0
                ? new CheckResult("recipients", CheckStatus.Warning, "no recipient domain is allowed: every e-mail and invitation send is refused", "Guards:AllowedRecipientDomains")
                : new CheckResult("recipients", CheckStatus.Ok, $"e-mail and invitations may go to {string.Join(", ", guards.AllowedRecipientDomains)}");
            CalendarOptions calendar = services.GetRequiredService<CalendarOptions>();
            yield return new CheckResult("calendar", CheckStatus.Ok, $"invitation times without a zone are in {calendar.TimeZone ?? TimeZoneInfo.Local.Id}");
        }

        yield return new CheckResult("send caps", CheckStatus.Ok,
            string.Create(CultureInfo.InvariantCulture, $"{guards.MaxPerHour} per hour, {guards.MaxPerDay} per day, every send confirmed by the user"));
    }

    private static async Task<CheckResult> Reach(string name, Func<Task<CheckResult>> check)
    {
        try
        {
            return await check();
        }
        catch (BackendException e)
        {
            return new CheckResult(name, CheckStatus.Failed, e.SafeMessage is { Length: > 0 } m ? m : "the backend failed; run with --set Logging:Level=Debug for details");
        }
        catch (ToolInputException e)
        {
            return new CheckResult(name, CheckStatus.Failed, e.Message);
        }
    }
}
