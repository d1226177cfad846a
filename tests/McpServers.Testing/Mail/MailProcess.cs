using System.Diagnostics;
using System.Globalization;

namespace McpServers.Testing.Mail;

/// <summary>A daemon the fixture started in the foreground, with the last lines it wrote to stdout/stderr.</summary>
internal sealed class MailProcess : IDisposable
{
    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private MailProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public static MailProcess Start(string file, IEnumerable<string> arguments)
    {
        ProcessStartInfo start = StartInfo(file, arguments);
        start.RedirectStandardInput = true;
        var process = new Process { StartInfo = start };
        var daemon = new MailProcess(process);
        process.OutputDataReceived += (_, e) => daemon.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Keep(e.Data);
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {file}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>The last lines the process wrote (its own log, for daemons that log to stderr).</summary>
    public string Tail()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    /// <summary>Asks the daemon to shut down (SIGTERM), and kills it if it has not exited within the grace period.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        try
        {
            await RunAsync("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], CancellationToken.None);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public void Dispose() => _process.Dispose();

    /// <summary>Runs a short command to completion and returns its exit code and combined output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using Process process = Process.Start(StartInfo(file, arguments)) ?? throw new InvalidOperationException($"Could not start {file}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    private static ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments) => ProcessStart.For(file, arguments, Path.GetTempPath());

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > KeptLines)
            {
                _output.Dequeue();
            }
        }
    }
}
