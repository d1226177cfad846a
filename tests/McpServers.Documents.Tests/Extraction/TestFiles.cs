using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using McpServers.Documents.Extraction;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using D = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace McpServers.Documents.Tests.Extraction;

/// <summary>Real files of every supported type, made by the tests themselves (PdfPig's writer, the OpenXml SDK, System.IO.Compression).</summary>
internal static class TestFiles
{
    public static readonly ExtractionLimits Roomy = new(10_000_000, 1_000_000, 100, 10_000_000);

    public static Task<ExtractedText> ExtractAsync(byte[] content, string fileName, ExtractionLimits? limits = null) =>
        TextExtraction.ExtractAsync(new MemoryStream(content), fileName, limits ?? Roomy, TestContext.Current.CancellationToken);

    public static Task<ExtractionException> RefusedAsync(byte[] content, string fileName, ExtractionLimits? limits = null) =>
        Assert.ThrowsAsync<ExtractionException>(() => ExtractAsync(content, fileName, limits));

    /// <summary>A PDF with one line of text per page.</summary>
    public static byte[] Pdf(params string[] pages)
    {
        var builder = new PdfDocumentBuilder();
        PdfDocumentBuilder.AddedFont font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (string text in pages)
        {
            PdfPageBuilder page = builder.AddPage(595, 842);
            page.AddText(text, 12, new PdfPoint(50, 700), font);
        }

        return builder.Build();
    }

    /// <summary>
    /// A minimal PDF written by hand whose trailer names a Standard security handler (PDF 32000-1:2008 §7.6.3,
    /// /V 1 /R 2, RC4 40-bit) with owner and user password entries that the empty password does not match.
    /// </summary>
    public static byte[] EncryptedPdf()
    {
        string hex32 = string.Concat(Enumerable.Repeat("5A", 32));
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            "<< /Length 8 >>\nstream\nxxxxxxxx\nendstream",
            $"<< /Filter /Standard /V 1 /R 2 /O <{hex32}> /U <{hex32}> /P -4 >>",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (int i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        int xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (int offset in offsets)
        {
            pdf.Append($"{offset:D10} 00000 n \n");
        }

        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R /Encrypt 5 0 R /ID [<{hex32[..32]}> <{hex32[..32]}>] >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    public static byte[] Docx(params OpenXmlElement[] body)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            MainDocumentPart main = document.AddMainDocumentPart();
            main.Document = new W.Document(new W.Body(body));
        }

        return stream.ToArray();
    }

    public static W.Paragraph Paragraph(string? style, params W.Run[] runs)
    {
        var paragraph = new W.Paragraph();
        if (style is not null)
        {
            paragraph.Append(new W.ParagraphProperties(new W.ParagraphStyleId { Val = style }));
        }

        paragraph.Append(runs);
        return paragraph;
    }

    public static W.Paragraph ListItem(int level, string text) =>
        new(new W.ParagraphProperties(new W.NumberingProperties(new W.NumberingLevelReference { Val = level }, new W.NumberingId { Val = 1 })),
            Run(text));

    public static W.Run Run(string text, bool bold = false, bool italic = false)
    {
        var run = new W.Run();
        if (bold || italic)
        {
            var properties = new W.RunProperties();
            if (bold)
            {
                properties.Append(new W.Bold());
            }

            if (italic)
            {
                properties.Append(new W.Italic());
            }

            run.Append(properties);
        }

        run.Append(new W.Text(text) { Space = SpaceProcessingModeValues.Preserve });
        return run;
    }

    public static W.Table WordTable(params string[][] rows) =>
        new(rows.Select(row => new W.TableRow(row.Select(cell => new W.TableCell(new W.Paragraph(Run(cell)))))));

    /// <summary>A workbook whose sheets hold rows of cells: a string becomes a shared string, a number a number, a bool a boolean.</summary>
    public static byte[] Xlsx(params (string Name, object?[][] Rows)[] sheets)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            WorkbookPart workbook = document.AddWorkbookPart();
            var sheetList = new S.Sheets();
            workbook.Workbook = new S.Workbook(sheetList);
            var strings = new List<string>();
            uint sheetId = 1;
            foreach ((string name, object?[][] rows) in sheets)
            {
                var data = new S.SheetData();
                for (int r = 0; r < rows.Length; r++)
                {
                    var row = new S.Row { RowIndex = (uint)(r + 1) };
                    for (int c = 0; c < rows[r].Length; c++)
                    {
                        string reference = $"{(char)('A' + c)}{r + 1}";
                        switch (rows[r][c])
                        {
                            case string text:
                                strings.Add(text);
                                row.Append(new S.Cell { CellReference = reference, DataType = S.CellValues.SharedString, CellValue = new S.CellValue((strings.Count - 1).ToString()) });
                                break;
                            case bool flag:
                                row.Append(new S.Cell { CellReference = reference, DataType = S.CellValues.Boolean, CellValue = new S.CellValue(flag ? "1" : "0") });
                                break;
                            case double number:
                                row.Append(new S.Cell { CellReference = reference, CellValue = new S.CellValue(number) });
                                break;
                        }
                    }

                    data.Append(row);
                }

                WorksheetPart part = workbook.AddNewPart<WorksheetPart>();
                part.Worksheet = new S.Worksheet(data);
                sheetList.Append(new S.Sheet { Id = workbook.GetIdOfPart(part), SheetId = sheetId++, Name = name });
            }

            SharedStringTablePart shared = workbook.AddNewPart<SharedStringTablePart>();
            shared.SharedStringTable = new S.SharedStringTable(strings.Select(s => new S.SharedStringItem(new S.Text(s))));
        }

        return stream.ToArray();
    }

    /// <summary>A presentation whose slides each have a title placeholder and one body text shape.</summary>
    public static byte[] Pptx(params (string Title, string[] Lines)[] slides)
    {
        using var stream = new MemoryStream();
        using (var document = PresentationDocument.Create(stream, PresentationDocumentType.Presentation))
        {
            PresentationPart presentation = document.AddPresentationPart();
            var slideIds = new P.SlideIdList();
            presentation.Presentation = new P.Presentation(slideIds);
            uint id = 256;
            foreach ((string title, string[] lines) in slides)
            {
                SlidePart part = presentation.AddNewPart<SlidePart>();
                part.Slide = new P.Slide(new P.CommonSlideData(new P.ShapeTree(
                    Shape(1, new P.PlaceholderShape { Type = P.PlaceholderValues.Title }, title),
                    Shape(2, null, lines))));
                slideIds.Append(new P.SlideId { Id = id++, RelationshipId = presentation.GetIdOfPart(part) });
            }
        }

        return stream.ToArray();
    }

    private static P.Shape Shape(uint id, P.PlaceholderShape? placeholder, params string[] paragraphs) =>
        new(
            new P.NonVisualShapeProperties(
                new P.NonVisualDrawingProperties { Id = id, Name = $"Shape {id}" },
                new P.NonVisualShapeDrawingProperties(),
                placeholder is null ? new P.ApplicationNonVisualDrawingProperties() : new P.ApplicationNonVisualDrawingProperties(placeholder)),
            new P.ShapeProperties(),
            new P.TextBody([new D.BodyProperties(), new D.ListStyle(), .. paragraphs.Select(p => new D.Paragraph(new D.Run(new D.Text(p))))]));

    /// <summary>A zip with the given entries (name → content), deflated.</summary>
    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] content) in entries)
            {
                using Stream entry = archive.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                entry.Write(content);
            }
        }

        return stream.ToArray();
    }

    /// <summary>The zip with one entry's content replaced.</summary>
    public static byte[] ReplaceEntry(byte[] zip, string name, byte[] content)
    {
        using var stream = new MemoryStream();
        stream.Write(zip);
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            archive.GetEntry(name)!.Delete();
            using Stream entry = archive.CreateEntry(name).Open();
            entry.Write(content);
        }

        return stream.ToArray();
    }

    /// <summary>The minimal parts that make a zip look like a Word document to the type check.</summary>
    public static (string, byte[])[] WordParts(byte[] documentXml) =>
    [
        ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"u8.ToArray()),
        ("word/document.xml", documentXml),
    ];

    /// <summary>
    /// Rewrites every uncompressed-size field of a zip (local headers at offset 22, central directory at offset 24;
    /// PKWARE APPNOTE 4.3.7 and 4.3.12) to <paramref name="declared"/>: a bomb that lies about its size.
    /// </summary>
    public static byte[] LieAboutSizes(byte[] zip, uint declared)
    {
        byte[] patched = (byte[])zip.Clone();
        for (int i = 0; i + 4 <= patched.Length; i++)
        {
            uint signature = BitConverter.ToUInt32(patched, i);
            int field = signature switch { 0x04034b50 => 22, 0x02014b50 => 24, _ => -1 };
            if (field > 0 && i + field + 4 <= patched.Length)
            {
                BitConverter.GetBytes(declared).CopyTo(patched, i + field);
            }
        }

        return patched;
    }
}

/// <summary>A read-only stream over another that counts the bytes read through it and may hide its length.</summary>
internal sealed class CountingStream(Stream inner, bool seekable) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => seekable;
    public override bool CanWrite => false;
    public override long Length => seekable ? inner.Length : throw new NotSupportedException();
    public override long Position { get => inner.Position; set => inner.Position = seekable ? value : throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int read = inner.Read(buffer, offset, count);
        BytesRead += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken);
        BytesRead += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => seekable ? inner.Seek(offset, origin) : throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>An endless stream of one byte, of unknown length: a download that never says how long it is.</summary>
internal sealed class EndlessStream(byte value) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        buffer.AsSpan(offset, count).Fill(value);
        BytesRead += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
