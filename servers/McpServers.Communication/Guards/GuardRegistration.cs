using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace McpServers.Communication.Guards;

/// <summary>The write guards every send tool passes through (section <c>Guards:</c>): settings and DI registration of <see cref="SendGuard"/>.</summary>
public static class GuardRegistration
{
    public static IReadOnlyList<SettingHelp> Settings { get; } =
    [
        new("Guards:AllowedRecipientDomains", "Comma-separated domains e-mail and invitations may go to: example.com (exactly) or *.example.com (its subdomains). Empty: every e-mail and invitation send is refused."),
        new("Guards:InternalDomains", "Comma-separated domains of your organisation (same forms), for Guards:ConfirmInternal.", "none"),
        new("Guards:ConfirmInternal", "Ask the user to confirm sends whose recipients are all in Guards:InternalDomains too; false: only sends with an outside recipient are confirmed.", "true"),
        new("Guards:AllowBcc", "Allow Bcc recipients.", "false"),
        new("Guards:MaxRecipients", "To, Cc and Bcc of one message together at most.", "20"),
        new("Guards:AuditDomainsOnly", "The audit line names the recipients' domains instead of their addresses.", "false"),
        new("Guards:MaxPerHour", "Sends by all send tools together in any 60 minutes (counted across restarts and processes).", "20"),
        new("Guards:MaxPerDay", "Sends by all send tools together in any 24 hours.", "100"),
        new("Guards:Tools:<tool>:PerHour", "One send tool's own cap in any 60 minutes (tool: email_send, email_reply, slack_post_message, slack_reply_in_thread, calendar_send_invitation, calendar_cancel_invitation); 0 stops the tool.", "the total caps only"),
        new("Guards:Tools:<tool>:PerDay", "One send tool's own cap in any 24 hours.", "the total caps only"),
        new("Guards:StorePath", "The send ledger (JSON, shared by this user's processes under a lock file).", "<local app data>/mcp-communication/sends.json"),
    ];

    public static IServiceCollection AddGuards(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddGuardOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SendGuard>();
        return services;
    }
}
