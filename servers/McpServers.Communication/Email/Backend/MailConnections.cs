using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using Microsoft.Extensions.Logging;

namespace McpServers.Communication.Email.Backend;

/// <summary>
/// Opens signed-in IMAP and SMTP connections with the configured security, the extra trusted certificate and the
/// time limit, and turns every connection failure into a <see cref="BackendException"/> whose message names the
/// setting to check. Nothing the server said (its greeting, its error text) and no password reaches a message.
/// </summary>
public sealed class MailConnections(EmailOptions options, ILogger<MailConnections> logger)
{
    private readonly Lazy<RemoteCertificateValidationCallback?> _trust = new(() =>
        options.TrustedCertificateFile is { } file ? BackendTls.ExtraTrust(BackendTls.LoadBundle(file)) : null);

    public EmailOptions Options => options;

    /// <summary>A connected, signed-in IMAP client; the caller disposes it.</summary>
    public async Task<ImapClient> ImapAsync(CancellationToken cancellationToken)
    {
        var client = new ImapClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        try
        {
            Prepare(client);
            await Run(() => client.ConnectAsync(options.ImapHost!, options.ImapPort, Socket(options.ImapSecurity), cancellationToken), ImapEndpoint, cancellationToken);
            await Run(() => client.AuthenticateAsync(options.UserName!, options.Password!, cancellationToken), ImapEndpoint, cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>A connected, signed-in SMTP submission client; the caller disposes it.</summary>
    public async Task<SmtpClient> SmtpAsync(CancellationToken cancellationToken)
    {
        var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        try
        {
            Prepare(client);
            await Run(() => client.ConnectAsync(options.SmtpHost!, options.SmtpPort, Socket(options.SmtpSecurity), cancellationToken), SmtpEndpoint, cancellationToken);
            if (client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
            {
                await Run(() => client.AuthenticateAsync(options.UserName!, options.Password!, cancellationToken), SmtpEndpoint, cancellationToken);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>An IMAP operation under the time limit, its failures mapped to safe messages.</summary>
    public async Task<T> Imap<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        T result = default!;
        await Run(async () => result = await operation(), ImapEndpoint, cancellationToken);
        return result;
    }

    /// <summary>An SMTP operation under the time limit, its failures mapped to safe messages.</summary>
    public Task Smtp(Func<Task> operation, CancellationToken cancellationToken) => Run(operation, SmtpEndpoint, cancellationToken);

    internal static readonly Endpoint ImapEndpoint = new("IMAP", "Email:ImapHost and Email:ImapPort", "Email:ImapSecurity");
    internal static readonly Endpoint SmtpEndpoint = new("SMTP", "Email:SmtpHost and Email:SmtpPort", "Email:SmtpSecurity");

    internal sealed record Endpoint(string Protocol, string AddressSettings, string SecuritySetting);

    private void Prepare(MailService client)
    {
        // No revocation fetches for a private CA's certificate, which usually names no CRL; the system store is unaffected.
        client.CheckCertificateRevocation = options.TrustedCertificateFile is null;
        if (_trust.Value is { } trust)
        {
            client.ServerCertificateValidationCallback = trust;
        }
    }

    private static SecureSocketOptions Socket(MailSecurity security) => security switch
    {
        MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

    private async Task Run(Func<Task> operation, Endpoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            await operation();
        }
        catch (Exception e) when (Map(e, endpoint, cancellationToken) is { } mapped)
        {
            Log.MailFailure(logger, endpoint.Protocol, e.GetType().Name);
            throw mapped;
        }
    }

    /// <summary>The safe error for a MailKit failure; null for the caller's own cancellation and for errors already mapped.</summary>
    internal static BackendException? Map(Exception e, Endpoint endpoint, CancellationToken cancellationToken) => e switch
    {
        BackendException or ToolInputException => null,
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        AuthenticationException => new BackendException(BackendErrorKind.Unauthorized,
            $"The {endpoint.Protocol} server refused the sign-in: check Email:UserName and {EmailOptions.PasswordEnvironment} (Email:Password).", e),
        SslHandshakeException => new BackendException(BackendErrorKind.Unavailable,
            $"The TLS connection to the {endpoint.Protocol} server failed (certificate not trusted, wrong host name, or no TLS there): check Email:TrustedCertificateFile and {endpoint.SecuritySetting}.", e),
        SocketException => new BackendException(BackendErrorKind.Unavailable,
            $"The {endpoint.Protocol} server could not be reached: check {endpoint.AddressSettings}.", e),
        TimeoutException or OperationCanceledException => new BackendException(BackendErrorKind.TimedOut,
            $"The {endpoint.Protocol} server did not answer within Email:Timeout.", e),
        FolderNotFoundException => new BackendException(BackendErrorKind.NotFound, "That folder does not exist on the mail server.", e),
        MessageNotFoundException => new BackendException(BackendErrorKind.NotFound, "That message is no longer in its folder.", e),
        NotSupportedException => new BackendException(BackendErrorKind.Unavailable,
            $"The {endpoint.Protocol} server does not offer what this needs (e.g. STARTTLS or authentication): check {endpoint.SecuritySetting}.", e),
        ImapCommandException or SmtpCommandException => new BackendException(BackendErrorKind.Invalid,
            $"The {endpoint.Protocol} server refused the command.", e),
        ProtocolException or IOException or ServiceNotConnectedException or ServiceNotAuthenticatedException => new BackendException(BackendErrorKind.Unavailable,
            $"The connection to the {endpoint.Protocol} server failed: check {endpoint.AddressSettings} and {endpoint.SecuritySetting}.", e),
        _ => null,
    };
}
