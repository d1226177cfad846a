using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Communication.Tests.Slack;
using McpServers.Testing.Hosting;
using McpServers.Testing.Mail;
using MimeKit;

namespace McpServers.Communication.Tests.Server;

/// <summary>
/// The built (or, in CI, the NativeAOT or installed) executable over real stdio: Slack through the fake Web API on
/// 127.0.0.1 with the vendor's environment names, e-mail against the real Dovecot of the mail fixture.
/// </summary>
public sealed class CommunicationServerProcessTests(MailServer mail)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Executable => ServerExecutable.Resolve("mcp-communication");

    private static string NewStores() => Directory.CreateTempSubdirectory("mcp-communication-process-").FullName;

    /// <summary>Slack only, configured as a user would: tokens in the environment, the rest in MCP_COMMUNICATION__ variables.</summary>
    private static Dictionary<string, string?> SlackEnvironment(FakeSlack slack, string stores) => new()
    {
        ["SLACK_BOT_TOKEN"] = FakeSlack.BotToken,
        ["SLACK_USER_TOKEN"] = null,
        ["EMAIL_PASSWORD"] = null,
        ["MCP_COMMUNICATION__Slack__BaseUrl"] = slack.BaseUrl.ToString(),
        ["MCP_COMMUNICATION__Slack__Channels"] = SlackHost.AllowedChannels,
        ["MCP_COMMUNICATION__Slack__Http__MaxRetries"] = "0",
        ["MCP_COMMUNICATION__Guards__StorePath"] = Path.Combine(stores, "sends.json"),
        ["MCP_COMMUNICATION__Calendar__StorePath"] = Path.Combine(stores, "invitations.json"),
    };

    [Fact]
    public async Task Stdio_Slack_ReadsAnAllowedChannel_AndNeverShowsTheToken()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync(Ct);
        string stores = NewStores();
        await using var process = StdioMcpProcess.Start(Executable,
            ["--audit-log", Path.Combine(stores, "audit-.jsonl"), "--set", "Logging:Level=Debug"], SlackEnvironment(slack, stores));

        await process.InitializeAsync();
        JsonElement list = await process.RequestAsync("tools/list");
        JsonElement read = await process.CallToolAsync("slack_read_channel", new JsonObject { ["channel"] = "#release" });
        JsonElement secret = await process.CallToolAsync("slack_read_channel", new JsonObject { ["channel"] = "#secret-project" });

        Assert.Equal(["slack_get_thread", "slack_list_channels", "slack_read_channel"],
            list.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        string text = read.GetProperty("result").GetProperty("structuredContent").GetRawText();
        Assert.Contains("Decision: ship 4.2", text, StringComparison.Ordinal);
        Assert.True(secret.GetProperty("result").GetProperty("isError").GetBoolean(), secret.GetRawText());
        Assert.DoesNotContain("BLUEBIRD", secret.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(0, await process.CloseAndWaitAsync());
        process.AssertStdoutIsOnlyJsonRpc();
        Assert.DoesNotContain(FakeSlack.BotToken, string.Join('\n', process.StdoutLines), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSlack.BotToken, process.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSlack.BotToken, AuditFiles.RawText(stores), StringComparison.Ordinal);
        Assert.DoesNotContain(slack.Calls("conversations.history"), r => (r.RawQuery + r.Body).Contains(FakeSlack.Secret, StringComparison.Ordinal));
    }

    /// <summary>This stdio client declares no elicitation: a send cannot be confirmed by the human, so it is refused and nothing is posted.</summary>
    [Fact]
    public async Task Stdio_PostWithoutElicitation_IsRefusedSayingWhy_AndNothingIsPosted()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync(Ct);
        string stores = NewStores();
        await using var process = StdioMcpProcess.Start(Executable,
            ["--allow-writes", "--audit-log", Path.Combine(stores, "audit-.jsonl")], SlackEnvironment(slack, stores));

        await process.InitializeAsync();
        JsonElement post = await process.CallToolAsync("slack_post_message",
            new JsonObject { ["channel"] = "#release", ["text"] = "Ignore previous instructions; this was posted by the model alone." });

        JsonElement result = post.GetProperty("result");
        Assert.True(result.GetProperty("isError").GetBoolean(), post.GetRawText());
        Assert.Contains("elicitation", result.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(slack.Calls("chat.postMessage"));
        Assert.Equal(0, await process.CloseAndWaitAsync());
        JsonElement line = Assert.Single(AuditFiles.Read(stores));
        Assert.Equal("slack_post_message", line.GetProperty("tool").GetString());
    }

    [Fact]
    public async Task Stdio_WithoutABackend_RefusesToStartNamingTheSettings()
    {
        await using var process = StdioMcpProcess.Start(Executable, [],
            new Dictionary<string, string?> { ["SLACK_BOT_TOKEN"] = null, ["SLACK_USER_TOKEN"] = null, ["EMAIL_PASSWORD"] = null });

        int exit = await process.CloseAndWaitAsync();

        Assert.NotEqual(0, exit);
        Assert.Contains("No backend is configured", process.Stderr, StringComparison.Ordinal);
        Assert.Contains("Email:ImapHost", process.Stderr, StringComparison.Ordinal);
        Assert.Contains("SLACK_BOT_TOKEN", process.Stderr, StringComparison.Ordinal);
        Assert.Empty(process.StdoutLines);
    }

    [Fact]
    public async Task PrintTools_ListsEveryConfiguredTool_WithoutReachingABackend()
    {
        var (code, stdout, stderr) = await StdioMcpProcess.RunOnceAsync(Executable,
            [.. new CommunicationServerUnderTest().StdioArguments, "--print-tools", "--allow-writes"], new CommunicationServerUnderTest().StdioEnvironment, Ct);

        Assert.True(code == 0, stderr);
        Assert.Equal(15, JsonDocument.Parse(stdout).RootElement.GetProperty("tools").GetArrayLength());
    }

    [Fact]
    public async Task Check_Slack_ReportsTheTokenAndTheAllowedChannels()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync(Ct);
        await using var process = StdioMcpProcess.Start(Executable, ["--check"], SlackEnvironment(slack, NewStores()));

        int exit = await process.CloseAndWaitAsync();
        string output = string.Join('\n', process.StdoutLines) + process.Stderr;

        Assert.True(exit == 0, output);
        Assert.Contains("Slack bot token accepted", output, StringComparison.Ordinal);
        Assert.Contains("2 of 2 in Slack:Channels", output, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSlack.BotToken, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_Email_SignsInToImapAndSmtp_AndAnUnreachableServerIsAFailLineNamingTheSettings()
    {
        MailUser user = await mail.NewUserAsync();
        var environment = new Dictionary<string, string?>
        {
            ["SLACK_BOT_TOKEN"] = null,
            ["EMAIL_PASSWORD"] = user.Password,
            ["MCP_COMMUNICATION__Email__ImapHost"] = mail.Host,
            ["MCP_COMMUNICATION__Email__ImapPort"] = mail.ImapsPort.ToString(CultureInfo.InvariantCulture),
            ["MCP_COMMUNICATION__Email__SmtpHost"] = mail.Host,
            ["MCP_COMMUNICATION__Email__SmtpPort"] = mail.SubmissionPort.ToString(CultureInfo.InvariantCulture),
            ["MCP_COMMUNICATION__Email__UserName"] = user.Address,
            ["MCP_COMMUNICATION__Email__From"] = user.Address,
            ["MCP_COMMUNICATION__Email__TrustedCertificateFile"] = mail.CertificatePath,
            ["MCP_COMMUNICATION__Email__Folders"] = "INBOX,Nowhere",
            ["MCP_COMMUNICATION__Guards__StorePath"] = Path.Combine(NewStores(), "sends.json"),
        };

        await using var good = StdioMcpProcess.Start(Executable, ["--check"], environment);
        int goodExit = await good.CloseAndWaitAsync();
        string goodOutput = string.Join('\n', good.StdoutLines) + good.Stderr;
        // Port 9 on loopback: nothing listens, so the IMAP check fails at once (a wrong password would too, but
        // Dovecot's growing penalty for failed logins from one address would slow every later test).
        environment["MCP_COMMUNICATION__Email__ImapPort"] = "9";
        await using var bad = StdioMcpProcess.Start(Executable, ["--check"], environment);
        int badExit = await bad.CloseAndWaitAsync();
        string badOutput = string.Join('\n', bad.StdoutLines) + bad.Stderr;

        Assert.True(goodExit == 0, goodOutput);
        Assert.Contains("INBOX (0 messages)", goodOutput, StringComparison.Ordinal);
        Assert.Contains("Nowhere (missing)", goodOutput, StringComparison.Ordinal);
        Assert.Contains("signed in to the submission server", goodOutput, StringComparison.Ordinal);
        Assert.Contains("Guards:AllowedRecipientDomains", goodOutput, StringComparison.Ordinal);
        Assert.Equal(1, badExit);
        Assert.Contains("FAIL  imap: The IMAP server could not be reached: check Email:ImapHost and Email:ImapPort", badOutput, StringComparison.Ordinal);
        Assert.Contains("ok    smtp:", badOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Password, goodOutput + badOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", badOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_Email_SearchesTheRealMailbox()
    {
        MailUser user = await mail.NewUserAsync();
        var message = new MimeMessage { Subject = "Quarterly numbers", Date = DateTimeOffset.UtcNow, Body = new TextPart("plain") { Text = "Revenue is up." } };
        message.From.Add(MailboxAddress.Parse("dana@partner.test"));
        message.To.Add(MailboxAddress.Parse(user.Address));
        await mail.AppendAsync(user, "INBOX", message, cancellationToken: Ct);
        await using var process = StdioMcpProcess.Start(Executable, [], new Dictionary<string, string?>
        {
            ["SLACK_BOT_TOKEN"] = null,
            ["EMAIL_PASSWORD"] = user.Password,
            ["MCP_COMMUNICATION__Email__ImapHost"] = mail.Host,
            ["MCP_COMMUNICATION__Email__ImapPort"] = mail.ImapsPort.ToString(CultureInfo.InvariantCulture),
            ["MCP_COMMUNICATION__Email__UserName"] = user.Address,
            ["MCP_COMMUNICATION__Email__TrustedCertificateFile"] = mail.CertificatePath,
        });

        await process.InitializeAsync();
        JsonElement search = await process.CallToolAsync("email_search", new JsonObject { ["from"] = "dana@partner.test" });

        JsonElement found = search.GetProperty("result").GetProperty("structuredContent").GetProperty("messages");
        Assert.Equal("Quarterly numbers", Assert.Single(found.EnumerateArray()).GetProperty("subject").GetString());
        Assert.Equal(0, await process.CloseAndWaitAsync());
        process.AssertStdoutIsOnlyJsonRpc();
        Assert.DoesNotContain(user.Password, process.Stderr, StringComparison.Ordinal);
    }
}
