using System.IO.Compression;

namespace McpServers.Documents.Extraction;

/// <summary>
/// Vets an Office (OOXML) zip before the OpenXml SDK is handed it, so a decompression bomb is refused before any
/// part is parsed: the number of entries, each entry's declared AND actual unpacked size against
/// <c>MaxZipEntryBytes</c>, and the whole package's unpacked-to-packed ratio. The SDK reads the zip with the same
/// System.IO.Compression reader, so what was vetted is what it sees.
/// </summary>
internal static class ZipGuard
{
    /// <summary>Entries in one package at most (real documents have tens to a few thousands).</summary>
    public const int MaxEntries = 10_000;

    /// <summary>Unpacked bytes per packed byte at most, over the whole package, once past <see cref="RatioFloorBytes"/>.</summary>
    public const int MaxRatio = 100;

    /// <summary>Below this many unpacked bytes no ratio applies: small packages cannot hurt whatever they compress to.</summary>
    public const long RatioFloorBytes = 10L * 1024 * 1024;

    /// <summary>The package's type by its main part: docx, xlsx or pptx.</summary>
    public static string Vet(Stream zip, long maxEntryBytes, CancellationToken cancellationToken)
    {
        string? format = null;
        long packed = Math.Max(1, zip.Length);
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true))
        {
            if (archive.Entries.Count > MaxEntries)
            {
                throw Bomb($"it has more than {MaxEntries} parts");
            }

            long declared = 0;
            foreach (ZipArchiveEntry entry in archive.Entries)
            {
                if (entry.Length > maxEntryBytes)
                {
                    throw Bomb($"a part unpacks to more than {maxEntryBytes} bytes (Documents:MaxZipEntryBytes)");
                }

                declared += entry.Length;
                format ??= entry.FullName switch
                {
                    "word/document.xml" => "docx",
                    "xl/workbook.xml" => "xlsx",
                    "ppt/presentation.xml" => "pptx",
                    _ => null,
                };
            }

            CheckRatio(declared, packed);
            if (format is null)
            {
                throw new ExtractionException("The file is a zip archive, not a Word, Excel or PowerPoint document: it cannot be read as text.");
            }

            // Declared sizes can lie: inflate every entry once, counting, before anything parses it.
            long total = 0;
            byte[] buffer = new byte[81_920];
            foreach (ZipArchiveEntry entry in archive.Entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using Stream part = entry.Open();
                long size = 0;
                int read;
                while ((read = part.Read(buffer)) > 0)
                {
                    size += read;
                    total += read;
                    if (size > maxEntryBytes)
                    {
                        throw Bomb($"a part unpacks to more than {maxEntryBytes} bytes (Documents:MaxZipEntryBytes)");
                    }

                    CheckRatio(total, packed);
                }
            }
        }

        zip.Position = 0;
        return format;
    }

    private static void CheckRatio(long unpacked, long packed)
    {
        if (unpacked > RatioFloorBytes && unpacked / packed > MaxRatio)
        {
            throw Bomb($"it unpacks to more than {MaxRatio} times its size");
        }
    }

    private static ExtractionException Bomb(string why) =>
        new($"The Office file was refused as a possible decompression bomb: {why}.");
}
