using System.Globalization;

// mcp-database against a throwaway PostgreSQL cluster (the test kit's fixture) holding the demo data, side by side with
// the Node reference server, round trips per call and the memory curve (DatabaseBenchmark.cs):
//   dotnet run --project tests/McpServers.Benchmarks -c Release -- [--native path/to/mcp-database] [--calls 500]
// mcp-crm (Salesforce provider) against a loopback org, next to the raw HTTP round trip (CrmBenchmark.cs):
//   dotnet run --project tests/McpServers.Benchmarks -c Release -- crm [--native path/to/mcp-crm] [--calls 500]
// Prints a Markdown table. Numbers are wall-clock on this machine; compare runs, not machines.
// mcp-documents' local index: `-- documents-local [--files N] [--mb N] [--searches N]` (DocumentsLocalBenchmark.cs).
// Every server's start-up, idle memory and tools/list: `-- startup [--native-dir <folder of mcp-* binaries>]` (StartupBenchmark.cs).
if (args is ["startup", ..])
{
    return await McpServers.Benchmarks.StartupBenchmark.RunAsync(args[1..]);
}

// HTTP mode under load, two replicas sharing Redis: `-- http-load [--clients 8] [--seconds 10] [--exe …]` (HttpLoadBenchmark.cs).
if (args is ["http-load", ..])
{
    return await McpServers.Benchmarks.HttpLoadBenchmark.RunAsync(args[1..]);
}

if (args is ["documents-local", ..])
{
    return await McpServers.Benchmarks.DocumentsLocalBenchmark.RunAsync(args[1..]);
}

bool crm = args is ["crm", ..];
string? native = null;
int calls = 500;
for (int i = crm ? 1 : 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--native": native = args[++i]; break;
        case "--calls": calls = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

if (crm)
{
    return await McpServers.Benchmarks.CrmBenchmark.RunAsync(native, calls);
}

return await McpServers.Benchmarks.DatabaseBenchmark.RunAsync(native, calls);
