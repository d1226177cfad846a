using System.Diagnostics;
using System.Globalization;
using System.Text;
using McpServers.Documents.Backend;
using McpServers.Documents.Backend.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Benchmarks;

/// <summary>
/// mcp-documents' local index (issue 12, Performance): a generated tree of Markdown files, in process.
///   dotnet run --project tests/McpServers.Benchmarks -c Release -- documents-local [--files 10000] [--mb 1024] [--searches 500]
/// Prints a Markdown table: first build time and peak RSS, incremental re-index after touching 10 files, search p50/p95,
/// and ripgrep (when on PATH) on the same tree for one plain word as the outside anchor. Run it at two sizes to see
/// that peak RSS stays flat as the tree grows (files are read one at a time, written in bounded batches).
/// </summary>
internal static class DocumentsLocalBenchmark
{
    private const int Vocabulary = 20_000;

    public static async Task<int> RunAsync(string[] args)
    {
        int files = 10_000, megabytes = 1024, searches = 500;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--files": files = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--mb": megabytes = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--searches": searches = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        string work = Directory.CreateTempSubdirectory("mcp-bench-docs-").FullName;
        try
        {
            string root = Path.Combine(work, "tree");
            var clock = Stopwatch.StartNew();
            Generate(root, files, (long)megabytes * 1024 * 1024);
            Console.Error.WriteLine($"generated {files} files, {megabytes} MB in {clock.Elapsed.TotalSeconds:0.0} s");

            IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Local:Roots"] = "bench=" + root,
                ["Local:IndexPath"] = Path.Combine(work, "index.db"),
                ["Local:IndexOnStart"] = "false",
            }).Build();
            using ServiceProvider services = new ServiceCollection().AddLogging().AddLocal(configuration).BuildServiceProvider();
            LocalIndexer indexer = services.GetRequiredService<LocalIndexer>();
            LocalFolderSource source = services.GetRequiredService<LocalFolderSource>();

            var rows = new List<(string Metric, string Value)>();
            clock.Restart();
            await indexer.RunAsync(CancellationToken.None);
            rows.Add(($"first build, {files} files / {megabytes} MB", $"{clock.Elapsed.TotalSeconds:0.0} s"));
            rows.Add(("peak RSS of the process after the first build", $"{Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024:0} MB"));
            rows.Add(("index size", $"{new FileInfo(Path.Combine(work, "index.db")).Length / 1024.0 / 1024:0} MB"));

            for (int i = 0; i < 10; i++)
            {
                string path = Path.Combine(root, Folder(i * (files / 10)), $"doc{i * (files / 10)}.md");
                File.AppendAllText(path, " touched");
            }

            clock.Restart();
            await indexer.RunAsync(CancellationToken.None);
            rows.Add(("incremental re-index after touching 10 files", $"{clock.Elapsed.TotalMilliseconds:0} ms"));

            var random = new Random(7);
            var timings = new List<double>();
            for (int i = 0; i < searches; i++)
            {
                string words = i % 2 == 0 ? Word(random.Next(Vocabulary)) : Word(random.Next(Vocabulary)) + " " + Word(random.Next(Vocabulary));
                clock.Restart();
                await source.SearchAsync(new DocumentQuery { Words = words }, new PageRequest(10, null), CancellationToken.None);
                timings.Add(clock.Elapsed.TotalMilliseconds);
            }

            timings.Sort();
            rows.Add(($"search (1 or 2 words, 10 hits), p50 / p95 of {searches}", $"{Ms(timings[timings.Count / 2])} / {Ms(timings[(int)(timings.Count * 0.95)])}"));
            rows.Add(("ripgrep -l -F one word over the tree, median of 5", RipgrepMedian(root, Word(123))));

            Console.WriteLine("| metric | value |");
            Console.WriteLine("| --- | --- |");
            foreach ((string metric, string value) in rows)
            {
                Console.WriteLine($"| {metric} | {value} |");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Files of pseudo-words (Zipf-like: a few common, most rare), 100 to a folder, together about <paramref name="bytes"/>.</summary>
    private static void Generate(string root, int files, long bytes)
    {
        var random = new Random(42);
        long perFile = Math.Max(64, bytes / Math.Max(1, files));
        var text = new StringBuilder();
        for (int i = 0; i < files; i++)
        {
            string folder = Path.Combine(root, Folder(i));
            Directory.CreateDirectory(folder);
            text.Clear().Append("# Document ").Append(i).Append('\n');
            while (text.Length < perFile)
            {
                int rank = (int)Math.Min(Vocabulary - 1, Math.Floor(Math.Pow(Vocabulary, random.NextDouble())));
                text.Append(Word(rank)).Append(text.Length % 90 < 8 ? '\n' : ' ');
            }

            File.WriteAllText(Path.Combine(folder, $"doc{i}.md"), text.ToString());
        }
    }

    private static string Folder(int file) => Path.Combine($"area{file / 1000}", $"part{file / 100 % 10}");

    private static string Word(int rank) => "w" + rank.ToString("x", CultureInfo.InvariantCulture) + "q";

    private static string RipgrepMedian(string root, string word)
    {
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var rg = Process.Start(new ProcessStartInfo("rg", ["-l", "-F", word, root]) { RedirectStandardOutput = true, UseShellExecute = false })!;
                rg.StandardOutput.ReadToEnd();
                rg.WaitForExit();
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return "ripgrep (rg) not on PATH";
            }

            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return Ms(times[2]);
    }

    private static string Ms(double ms) => ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms";
}
