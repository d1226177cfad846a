using System.Globalization;
using System.Text.Json;
using McpServers.Testing.Hosting;
using McpServers.Testing.Mail;
using MimeKit;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Communication.Tests.Email;

/// <summary>email_send and email_reply through the whole pipeline (policy, guard, elicitation) to real Dovecot submission and OpenSMTPD.</summary>
public sealed class EmailSendEndToEndTests(MailServer mail) : IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("mcp-email-send-");
    private readonly List<string> _questions = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _state.Delete(recursive: true);

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static Dictionary<string, object?> Args(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    private McpClientOptions Eliciting(bool accept) => new()
    {
        ProtocolVersion = "2025-11-25",
        Handlers = new McpClientHandlers
        {
            ElicitationHandler = (request, _) =>
            {
                lock (_questions)
                {
                    _questions.Add(request?.Message ?? string.Empty);
                }

                return ValueTask.FromResult(accept
                    ? new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) } }
                    : new ElicitResult { Action = "decline" });
            },
        },
    };

    private async Task<(InMemoryMcpServer Host, McpClient Client)> StartAsync(MailUser user, McpClientOptions? client)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Email:ImapHost"] = mail.Host,
            ["Email:ImapPort"] = mail.ImapsPort.ToString(CultureInfo.InvariantCulture),
            ["Email:UserName"] = user.Address,
            ["Email:Password"] = user.Password,
            ["Email:TrustedCertificateFile"] = mail.CertificatePath,
            ["Email:SmtpHost"] = mail.Host,
            ["Email:SmtpPort"] = mail.SubmissionPort.ToString(CultureInfo.InvariantCulture),
            ["Email:SmtpSecurity"] = "StartTls",
            ["Email:From"] = user.Address,
            ["Policy:ReadOnly"] = "false",
            ["Guards:AllowedRecipientDomains"] = "example.test,partner.test",
            ["Guards:InternalDomains"] = "example.test",
            ["Guards:StorePath"] = Path.Combine(_state.FullName, "sends.json"),
        };
        var host = new InMemoryMcpServer((s, c) => s.AddCommunicationServer(c), settings);
        return (host, await host.ConnectAsync(client, Ct));
    }

    [Fact]
    public async Task Send_ConfirmedByTheUser_IsDelivered_WithASentCopy_AndThePreviewShowedExactlyWhatWasSent()
    {
        mail.RequireDelivery();
        MailUser user = await mail.NewUserAsync();
        MailUser recipient = await mail.NewUserAsync("partner.test");
        (InMemoryMcpServer host, McpClient client) = await StartAsync(user, Eliciting(accept: true));
        await using InMemoryMcpServer _ = host;

        CallToolResult result = await client.CallToolAsync("email_send",
            Args($$"""{"to":["{{recipient.Address}}"],"subject":"Meeting notes","body":"Decisions:\n- ship Friday"}"""), cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        string question = Assert.Single(_questions);
        Assert.Contains($"- to: {recipient.Address}", question, StringComparison.Ordinal);
        Assert.Contains("- subject: Meeting notes", question, StringComparison.Ordinal);
        Assert.Contains("    | Decisions:\n    | - ship Friday", question, StringComparison.Ordinal);
        JsonElement output = result.StructuredContent!.Value;
        string messageId = output.GetProperty("message_id").GetString()!;
        Assert.True(output.GetProperty("saved_to_sent").GetBoolean());
        MimeMessage delivered = await mail.WaitForMessageAsync(recipient, "INBOX", m => m.MessageId == messageId, Ct);
        Assert.Equal("Decisions:\n- ship Friday", delivered.TextBody?.ReplaceLineEndings("\n").Trim());
        Assert.Equal(messageId, Assert.Single(await mail.FetchAllAsync(user, "Sent", Ct)).MessageId);
        Assert.DoesNotContain(user.Password, Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(user.Password, AuditFiles.RawText(host.AuditDirectory), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_DeclinedByTheUser_SendsNothing()
    {
        mail.RequireAvailable();
        MailUser user = await mail.NewUserAsync();
        (InMemoryMcpServer host, McpClient client) = await StartAsync(user, Eliciting(accept: false));
        await using InMemoryMcpServer _ = host;

        CallToolResult result = await client.CallToolAsync("email_send",
            Args("""{"to":["dana@partner.test"],"subject":"x","body":"y"}"""), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Single(_questions);
        Assert.Empty(await mail.FetchAllAsync(user, "Sent", Ct));
    }

    [Fact]
    public async Task Send_ToADomainOutsideTheAllowlist_IsRefusedBeforeTheUserIsAsked()
    {
        mail.RequireAvailable();
        MailUser user = await mail.NewUserAsync();
        (InMemoryMcpServer host, McpClient client) = await StartAsync(user, Eliciting(accept: true));
        await using InMemoryMcpServer _ = host;

        CallToolResult result = await client.CallToolAsync("email_send",
            Args("""{"to":["boss@elsewhere.test"],"subject":"x","body":"y"}"""), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("Guards:AllowedRecipientDomains", Text(result), StringComparison.Ordinal);
        Assert.Empty(_questions);
        Assert.Empty(await mail.FetchAllAsync(user, "Sent", Ct));
    }

    [Fact]
    public async Task Send_FromAClientThatCannotAskTheUser_IsRefusedSayingWhy()
    {
        mail.RequireAvailable();
        MailUser user = await mail.NewUserAsync();
        (InMemoryMcpServer host, McpClient client) = await StartAsync(user, null);
        await using InMemoryMcpServer _ = host;

        CallToolResult result = await client.CallToolAsync("email_send",
            Args("""{"to":["dana@partner.test"],"subject":"x","body":"y"}"""), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("elicitation", Text(result), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await mail.FetchAllAsync(user, "Sent", Ct));
    }

    [Fact]
    public async Task Reply_GoesToTheSender_ThreadedUnderTheOriginal()
    {
        mail.RequireDelivery();
        MailUser user = await mail.NewUserAsync();
        MailUser sender = await mail.NewUserAsync("partner.test");
        var original = new MimeMessage { Subject = "Contract draft", MessageId = "draft-1@partner.test", Body = new TextPart("plain") { Text = "Thoughts?" } };
        original.From.Add(MailboxAddress.Parse(sender.Address));
        original.To.Add(MailboxAddress.Parse(user.Address));
        original.References.Add("start@partner.test");
        await mail.AppendAsync(user, "INBOX", original, cancellationToken: Ct);
        (InMemoryMcpServer host, McpClient client) = await StartAsync(user, Eliciting(accept: true));
        await using InMemoryMcpServer _ = host;
        string id = (await client.CallToolAsync("email_search", Args("{}"), cancellationToken: Ct)).StructuredContent!.Value
            .GetProperty("messages")[0].GetProperty("id").GetString()!;

        CallToolResult result = await client.CallToolAsync("email_reply", Args($$"""{"message_id":"{{id}}","body":"Looks good."}"""), cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        Assert.Contains($"- to: {sender.Address}", Assert.Single(_questions), StringComparison.Ordinal);
        string messageId = result.StructuredContent!.Value.GetProperty("message_id").GetString()!;
        MimeMessage delivered = await mail.WaitForMessageAsync(sender, "INBOX", m => m.MessageId == messageId, Ct);
        Assert.Equal("Re: Contract draft", delivered.Subject);
        Assert.Equal("draft-1@partner.test", delivered.InReplyTo);
        Assert.Equal(["start@partner.test", "draft-1@partner.test"], delivered.References);
    }
}
