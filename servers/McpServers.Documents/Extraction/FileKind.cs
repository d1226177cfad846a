using System.Text;

namespace McpServers.Documents.Extraction;

/// <summary>What a file's first bytes say it is, whatever its name says.</summary>
internal enum ContentKind
{
    Text,
    Pdf,
    Zip,
    CompoundFile,
    Binary,
}

/// <summary>What a file's name says it is.</summary>
internal enum NamedKind
{
    Unknown,
    Text,
    Markdown,
    Csv,
    Html,
    Pdf,
    OfficeOpenXml,
}

/// <summary>
/// The file type by extension plus magic bytes. The content decides: a PDF or an Office zip is read as what it is
/// whatever it is called; binary content is never read as text; a name promising a PDF or Office file whose
/// content is text is reported as corrupt. Among text files the extension picks the reader (text, Markdown, CSV, HTML).
/// </summary>
internal static class FileKind
{
    /// <summary>Bytes looked at: PDF allows its header anywhere in the first 1024 bytes.</summary>
    public const int HeadBytes = 4096;

    private static readonly byte[] PdfMagic = "%PDF-"u8.ToArray();

    // Executables, images, archives and media: their bytes are never text even when no NUL shows early.
    private static readonly byte[][] BinaryMagics =
    [
        "MZ"u8.ToArray(), [0x7f, 0x45, 0x4c, 0x46], [0xcf, 0xfa, 0xed, 0xfe], [0xca, 0xfe, 0xba, 0xbe],
        [0x89, 0x50, 0x4e, 0x47], [0xff, 0xd8, 0xff], "GIF8"u8.ToArray(), [0x1f, 0x8b], "7z"u8.ToArray(),
        "Rar!"u8.ToArray(), "BZh"u8.ToArray(), [0xfd, 0x37, 0x7a, 0x58, 0x5a], "OggS"u8.ToArray(),
        "RIFF"u8.ToArray(), "fLaC"u8.ToArray(), "ID3"u8.ToArray(), "\0asm"u8.ToArray(), "SQLite format 3"u8.ToArray(),
    ];

    public static NamedKind FromName(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".md" or ".markdown" => NamedKind.Markdown,
        ".txt" or ".text" or ".log" or "" or ".rst" or ".adoc" or ".json" or ".xml" or ".yaml" or ".yml" or ".toml" or ".ini" => NamedKind.Text,
        ".csv" => NamedKind.Csv,
        ".html" or ".htm" or ".xhtml" => NamedKind.Html,
        ".pdf" => NamedKind.Pdf,
        ".docx" or ".docm" or ".xlsx" or ".xlsm" or ".pptx" or ".pptm" => NamedKind.OfficeOpenXml,
        _ => NamedKind.Unknown,
    };

    public static ContentKind FromContent(ReadOnlySpan<byte> head)
    {
        if (head.Slice(0, Math.Min(head.Length, 1024)).IndexOf(PdfMagic) >= 0)
        {
            return ContentKind.Pdf;
        }

        if (head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith("PK\u0005\u0006"u8))
        {
            return ContentKind.Zip;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))
        {
            return ContentKind.CompoundFile;
        }

        foreach (byte[] magic in BinaryMagics)
        {
            if (head.StartsWith(magic))
            {
                return ContentKind.Binary;
            }
        }

        return HasUtf16Bom(head) || !LooksBinary(head) ? ContentKind.Text : ContentKind.Binary;
    }

    /// <summary>
    /// UTF-8 (a byte order mark, UTF-16 included, wins) when the first bytes are valid UTF-8, else Latin-1: every
    /// byte is then a character, so text in an older single-byte encoding still reads (accents may differ).
    /// Invalid UTF-8 later in the file becomes U+FFFD.
    /// </summary>
    public static Encoding TextEncoding(ReadOnlySpan<byte> head, bool headIsWholeFile)
    {
        // A multi-byte character may be cut at the end of the peeked bytes: allow up to three bytes of it.
        for (int cut = 0; cut <= (headIsWholeFile ? 0 : Math.Min(3, head.Length)); cut++)
        {
            if (System.Text.Unicode.Utf8.IsValid(head[..^cut]))
            {
                return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            }
        }

        return Encoding.Latin1;
    }

    private static bool HasUtf16Bom(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0xff, 0xfe]) || head.StartsWith((ReadOnlySpan<byte>)[0xfe, 0xff]);

    /// <summary>A NUL byte, or more than one in ten bytes a control code other than tab, line breaks, form feed and escape.</summary>
    private static bool LooksBinary(ReadOnlySpan<byte> head)
    {
        int controls = 0;
        foreach (byte b in head)
        {
            if (b == 0)
            {
                return true;
            }

            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0c or 0x1b))
            {
                controls++;
            }
        }

        return controls * 10 > head.Length;
    }
}
