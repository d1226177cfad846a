using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Xunit;

namespace McpServers.Testing.Mail;

/// <summary>
/// Real mail servers for one test assembly (register with <c>[assembly: AssemblyFixture(typeof(MailServer))]</c>):
/// Debian's Dovecot (IMAP with STARTTLS and implicit TLS, submission with STARTTLS, LMTP) and OpenSMTPD, which takes
/// what Dovecot's submission service relays and delivers it back into Dovecot over LMTP for the test domains
/// (<see cref="LocalDomains"/>) and rejects every other recipient, so no message ever leaves the machine.
/// Everything lives in a temp folder (configuration, a throwaway CA and server certificate, mailboxes, OpenSMTPD's
/// queue in its own mount namespace) on free loopback ports, and is deleted on dispose.
/// As root, mail is stored as the unprivileged system user <c>mcpmail</c> (created when missing: Dovecot refuses uid
/// 0); as another user, Dovecot runs as that user and OpenSMTPD (which needs root) is not started.
/// <see cref="RequireAvailable"/> and <see cref="RequireDelivery"/> skip the test when the packages are missing (or,
/// for delivery, when not root), except under <c>CI=true</c>, where they fail; an installed server that fails to
/// start always fails the test.
/// </summary>
public sealed partial class MailServer : IAsyncLifetime
{
    /// <summary>The one timeout of the fixture: starting the servers, and waiting for a delivery.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private const string MailOwner = "mcpmail";
    private const string Packages = "dovecot-core dovecot-imapd dovecot-submissiond dovecot-lmtpd opensmtpd";

    private readonly SemaphoreSlim _usersLock = new(1, 1);
    private MailUser[] _users = [];
    private MailLayout? _layout;
    private MailProcess? _dovecot;
    private MailProcess? _smtpd;
    private X509Certificate2? _authority;
    private bool _dovecotInstalled;
    private bool _smtpdInstalled;
    private int _userCounter;

    /// <summary>The address every service listens on.</summary>
    public string Host => "127.0.0.1";

    /// <summary>IMAP with STARTTLS (login only after STARTTLS).</summary>
    public int ImapPort => Layout.ImapPort;

    /// <summary>IMAP over implicit TLS.</summary>
    public int ImapsPort => Layout.ImapsPort;

    /// <summary>Dovecot's submission service (SMTP with STARTTLS and AUTH PLAIN/LOGIN), relaying through OpenSMTPD.</summary>
    public int SubmissionPort => Layout.SubmissionPort;

    /// <summary>Dovecot's LMTP service (plain, no auth): delivers straight into a mailbox.</summary>
    public int LmtpPort => Layout.LmtpPort;

    /// <summary>OpenSMTPD's plain SMTP port (no auth): delivers to <see cref="LocalDomains"/>, rejects everything else.</summary>
    public int RelayPort => Layout.RelayPort;

    /// <summary>PEM of the throwaway CA that signed the servers' certificate. Clients must be told to trust it; nothing trusts it by default.</summary>
    public string CertificatePath { get; private set; } = string.Empty;

    /// <summary>The throwaway CA (public part) as a certificate object, for in-process clients.</summary>
    public X509Certificate2 CertificateAuthority => _authority ?? throw new InvalidOperationException(UnavailableReason);

    /// <summary>The domains delivered locally. Mail to any other domain is refused at RCPT TO.</summary>
    public IReadOnlyList<string> LocalDomains { get; } = ["example.test", "partner.test"];

    /// <summary>The mailboxes every test shares: alice@example.test, bob@example.test, dana@partner.test. Prefer <see cref="NewUserAsync"/> when a test reads a mailbox.</summary>
    public IReadOnlyList<MailUser> Users => _users;

    public MailUser Alice => FixedUser(0);

    public MailUser Bob => FixedUser(1);

    /// <summary>A user in the second local domain (an "external" partner for the send guards).</summary>
    public MailUser Dana => FixedUser(2);

    /// <summary>Why Dovecot is not available (null when it is).</summary>
    public string? UnavailableReason { get; private set; }

    /// <summary>Why delivery through submission is not available (null when it is).</summary>
    public string? DeliveryUnavailableReason { get; private set; }

    public bool IsAvailable => _dovecot is not null;

    /// <summary>True when Dovecot's submission relays through a running OpenSMTPD into the mailboxes.</summary>
    public bool CanDeliver => _smtpd is not null;

    private MailLayout Layout => _layout ?? throw new InvalidOperationException(UnavailableReason);

    public async ValueTask InitializeAsync()
    {
        if (OperatingSystem.IsWindows())
        {
            UnavailableReason = "The mail fixture runs Debian's Dovecot and OpenSMTPD: Linux only.";
            DeliveryUnavailableReason = UnavailableReason;
            return;
        }

        string? dovecot = FindDovecot();
        if (dovecot is null)
        {
            UnavailableReason = $"Dovecot with its IMAP, submission and LMTP services was not found (/usr/sbin/dovecot, /usr/lib/dovecot). Install it: apt-get install {Packages}.";
            DeliveryUnavailableReason = UnavailableReason;
            return;
        }

        _dovecotInstalled = true;
        using var timeout = new CancellationTokenSource(Timeout);
        for (int attempt = 1; _dovecot is null; attempt++)
        {
            try
            {
                await StartDovecotAsync(dovecot, timeout.Token);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or OperationCanceledException or System.ComponentModel.Win32Exception)
            {
                string log = LogTail();
                await StopAsync();

                // Another process may bind one of the chosen free ports before Dovecot does: retry on fresh ports.
                if (attempt < 3 && log.Contains("Address already in use", StringComparison.Ordinal))
                {
                    continue;
                }

                // A broken installation is a failure, not a skip: every test that needs the server reports it.
                UnavailableReason = $"Starting Dovecot failed: {ex.Message}\n{log}";
                DeliveryUnavailableReason = UnavailableReason;
                return;
            }
        }

        string? smtpd = FindExecutable("smtpd", "/usr/sbin/smtpd");
        if (smtpd is null)
        {
            DeliveryUnavailableReason = $"OpenSMTPD (smtpd) was not found: submitted mail cannot be delivered. Install it: apt-get install {Packages}.";
            return;
        }

        if (!IsRoot)
        {
            DeliveryUnavailableReason = "Delivery through OpenSMTPD needs root (smtpd runs as its own system users); run the tests as root to cover submission.";
            return;
        }

        _smtpdInstalled = true;
        try
        {
            await StartSmtpdAsync(smtpd, timeout.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            DeliveryUnavailableReason = $"Starting OpenSMTPD failed: {ex.Message}\n{LogTail()}";
            if (_smtpd is not null)
            {
                await _smtpd.StopAsync();
                _smtpd.Dispose();
                _smtpd = null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _authority?.Dispose();
        _usersLock.Dispose();
    }

    /// <summary>Skips the calling test when Dovecot is missing (fails instead under CI=true or when it is installed but broken).</summary>
    public void RequireAvailable() => Prerequisite.RequireServer(IsAvailable, _dovecotInstalled, UnavailableReason);

    /// <summary>
    /// As <see cref="RequireAvailable"/>, and also requires delivery of submitted mail through OpenSMTPD (missing
    /// package or not root: skip locally, fail under CI=true; installed but broken: fail).
    /// </summary>
    public void RequireDelivery()
    {
        RequireAvailable();
        if (CanDeliver)
        {
            return;
        }

        if (_smtpdInstalled)
        {
            Assert.Fail(DeliveryUnavailableReason);
        }

        Prerequisite.Missing(DeliveryUnavailableReason!);
    }

    /// <summary>
    /// A fresh mailbox nobody else uses (Dovecot rereads its passwd-file on the next login or delivery), so a test
    /// sees only its own mail. <paramref name="domain"/> must be one of <see cref="LocalDomains"/>.
    /// </summary>
    public async Task<MailUser> NewUserAsync(string domain = "example.test")
    {
        RequireAvailable();
        if (!LocalDomains.Contains(domain, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Mailboxes exist only in {string.Join(", ", LocalDomains)}.", nameof(domain));
        }

        int n = Interlocked.Increment(ref _userCounter);
        return await AddUserAsync($"user{n.ToString(CultureInfo.InvariantCulture)}@{domain}");
    }

    /// <summary>The last lines of Dovecot's and OpenSMTPD's logs, for failure messages.</summary>
    public string LogTail()
    {
        var text = new StringBuilder();
        if (_layout is not null && File.Exists(_layout.DovecotLog))
        {
            try
            {
                string[] lines = File.ReadAllLines(_layout.DovecotLog);
                text.Append("--- dovecot.log ---\n").AppendJoin('\n', lines.TakeLast(40)).Append('\n');
            }
            catch (IOException)
            {
            }
        }

        if (_dovecot is not null)
        {
            text.Append("--- dovecot stderr ---\n").Append(_dovecot.Tail()).Append('\n');
        }

        if (_smtpd is not null)
        {
            text.Append("--- smtpd ---\n").AppendJoin('\n', _smtpd.Tail().Split('\n').TakeLast(40)).Append('\n');
        }

        return text.ToString();
    }

    private MailUser FixedUser(int index) => index < _users.Length ? _users[index] : throw new InvalidOperationException(UnavailableReason);

    private static bool IsRoot => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    [UnsupportedOSPlatform("windows")]
    private async Task StartDovecotAsync(string dovecot, CancellationToken cancellationToken)
    {
        string directory = Directory.CreateTempSubdirectory("mcp-mail-").FullName;
        int[] ports = FreePorts(5);
        _layout = new MailLayout(directory, ports[0], ports[1], ports[2], ports[3], ports[4]);
        _authority?.Dispose();
        _authority = MailCertificates.Create(directory, out string authorityPath, out string certificatePath, out string keyPath);
        CertificatePath = authorityPath;

        MailAccounts accounts = await AccountsAsync(cancellationToken);
        Directory.CreateDirectory(_layout.MailRoot);
        await File.WriteAllTextAsync(_layout.UsersFile, string.Empty, cancellationToken);
        await File.WriteAllTextAsync(_layout.DovecotConfig, MailConfiguration.Dovecot(_layout, accounts, certificatePath, keyPath), cancellationToken);
        await File.WriteAllTextAsync(_layout.SmtpdConfig, MailConfiguration.Smtpd(_layout, LocalDomains), cancellationToken);
        File.SetUnixFileMode(_layout.UsersFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        File.SetUnixFileMode(_layout.MailRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (accounts.Root)
        {
            // Dovecot's services reach the folder without listing it; the mailboxes belong to the mail owner and only
            // the auth service (the internal group) reads the passwords.
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            await CheckedAsync("chown", [$"{accounts.MailUser}:{accounts.MailGroup}", _layout.MailRoot], cancellationToken);
            await CheckedAsync("chown", [$"root:{accounts.InternalGroup}", _layout.UsersFile], cancellationToken);
        }

        _users = [await AddUserAsync("alice@example.test"), await AddUserAsync("bob@example.test"), await AddUserAsync("dana@partner.test")];

        _dovecot = MailProcess.Start(dovecot, ["-F", "-c", _layout.DovecotConfig]);
        await WaitForGreetingAsync(_dovecot, _layout.ImapPort, "* OK", cancellationToken);
        await WaitForGreetingAsync(_dovecot, _layout.SubmissionPort, "220 ", cancellationToken);
        await WaitForGreetingAsync(_dovecot, _layout.LmtpPort, "220 ", cancellationToken);
    }

    [UnsupportedOSPlatform("windows")]
    private async Task StartSmtpdAsync(string smtpd, CancellationToken cancellationToken)
    {
        MailLayout layout = Layout;
        Directory.CreateDirectory(layout.SpoolDirectory);
        Directory.CreateDirectory(layout.SmtpdRunDirectory);
        const UnixFileMode open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(layout.SpoolDirectory, open);
        File.SetUnixFileMode(layout.SmtpdRunDirectory, open);

        // OpenSMTPD's queue (/var/spool/smtpd) and control socket (/run/smtpd.sock) are compiled in. In a private
        // mount namespace the fixture's own folders stand in for them, so concurrent fixtures (and a system smtpd)
        // never share a queue or a socket. Without namespaces the real paths are used: one fixture at a time.
        (int probe, _) = await MailProcess.RunAsync("unshare", ["--mount", "--propagation", "private", "true"], cancellationToken);
        _smtpd = probe == 0
            ? MailProcess.Start("unshare",
                ["--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                 "mount --bind \"$1\" /var/spool && mount --bind \"$2\" /run && exec \"$3\" -d -f \"$4\"",
                 "sh", layout.SpoolDirectory, layout.SmtpdRunDirectory, smtpd, layout.SmtpdConfig])
            : MailProcess.Start(smtpd, ["-d", "-f", layout.SmtpdConfig]);
        await WaitForGreetingAsync(_smtpd, layout.RelayPort, "220 ", cancellationToken);
    }

    private async Task StopAsync()
    {
        foreach (MailProcess? process in new[] { _smtpd, _dovecot })
        {
            if (process is not null)
            {
                await process.StopAsync();
                process.Dispose();
            }
        }

        _smtpd = null;
        _dovecot = null;
        if (_layout is not null)
        {
            try
            {
                Directory.Delete(_layout.Directory, recursive: true);
            }
            catch (IOException)
            {
            }

            _layout = null;
        }
    }

    private DateTime _usersStamp = DateTime.UtcNow;

    private async Task<MailUser> AddUserAsync(string address)
    {
        var user = new MailUser(address, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));
        await _usersLock.WaitAsync();
        try
        {
            // passwd-file: user:password:uid:gid:gecos:home:shell:extra — uid, gid and home come from default_fields.
            await File.AppendAllTextAsync(Layout.UsersFile, $"{user.Address}:{{PLAIN}}{user.Password}::::::\n");
            // Dovecot rereads the file when its modification time changes, in whole seconds: two users added within one
            // second could leave the second unknown (seen once in CI: a submission sign-in refused). Each addition
            // moves the time on by at least a second.
            _usersStamp = _usersStamp.AddSeconds(1) > DateTime.UtcNow ? _usersStamp.AddSeconds(1) : DateTime.UtcNow.AddSeconds(1);
            File.SetLastWriteTimeUtc(Layout.UsersFile, _usersStamp);
        }
        finally
        {
            _usersLock.Release();
        }

        return user;
    }

    private static async Task<MailAccounts> AccountsAsync(CancellationToken cancellationToken)
    {
        if (!IsRoot)
        {
            string user = Environment.UserName;
            string group = (await CheckedAsync("id", ["-gn"], cancellationToken)).Trim();
            int uid = int.Parse(await CheckedAsync("id", ["-u"], cancellationToken), CultureInfo.InvariantCulture);
            return new MailAccounts(Root: false, user, group, user, user, group, uid);
        }

        (int exists, _) = await MailProcess.RunAsync("id", ["-u", MailOwner], cancellationToken);
        if (exists != 0)
        {
            // Another fixture may create it at the same moment: whichever useradd loses, the user exists afterwards.
            await MailProcess.RunAsync("useradd", ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", MailOwner], cancellationToken);
        }

        int mailUid = int.Parse(await CheckedAsync("id", ["-u", MailOwner], cancellationToken), CultureInfo.InvariantCulture);
        string mailGroup = (await CheckedAsync("id", ["-gn", MailOwner], cancellationToken)).Trim();
        return new MailAccounts(Root: true, "dovecot", "dovecot", "dovenull", MailOwner, mailGroup, mailUid);
    }

    private static async Task<string> CheckedAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        (int exitCode, string output) = await MailProcess.RunAsync(file, arguments, cancellationToken);
        return exitCode == 0 ? output : throw new InvalidOperationException($"{file} exited with {exitCode.ToString(CultureInfo.InvariantCulture)}: {output}");
    }

    /// <summary>Waits until the port accepts a connection and greets, bounded by the caller's timeout; fails early when the daemon exits.</summary>
    private static async Task WaitForGreetingAsync(MailProcess process, int port, string greeting, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The daemon exited before 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)} answered.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
                string? line = await reader.ReadLineAsync(cancellationToken);
                if (line is not null && line.StartsWith(greeting, StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    private static int[] FreePorts(int count)
    {
        // All listeners are open at once, so the ports are distinct.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    private static string? FindDovecot()
    {
        string? dovecot = FindExecutable("dovecot", "/usr/sbin/dovecot");
        string? services = new[] { "/usr/lib/dovecot", "/usr/libexec/dovecot" }
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "imap")) && File.Exists(Path.Combine(d, "submission")) && File.Exists(Path.Combine(d, "lmtp")));
        return services is null ? null : dovecot;
    }

    private static string? FindExecutable(string name, string usual) =>
        File.Exists(usual)
            ? usual
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, name))
                .FirstOrDefault(File.Exists);
}
