using System.Diagnostics;

namespace McpServers.Testing;

/// <summary>How the test kit starts a helper program: no shell, both outputs redirected, an explicit working folder.</summary>
public static class ProcessStart
{
    public static ProcessStartInfo For(string file, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
