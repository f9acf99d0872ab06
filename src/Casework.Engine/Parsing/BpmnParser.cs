using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Casework.Engine.Model;
using Casework.Engine.Validation;
using static Casework.Engine.Parsing.BpmnNamespaces;

namespace Casework.Engine.Parsing;

/// <summary>
/// Reads BPMN 2.0 XML as bpmn-js and Camunda Modeler write it: with or without diagram interchange, with any
/// extension namespaces, several processes or pools per file. Each executable process (<c>isExecutable</c> not
/// <c>false</c>) becomes a <see cref="ProcessDefinition"/> with version 0 and a content hash of the process's own
/// XML (diagram layout and formatting do not change it). Never throws for bad input: every problem is reported.
/// </summary>
public sealed class BpmnParser
{
    public BpmnParseResult Parse(string xml)
    {
        XDocument document;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true, IgnoreComments = true };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            return Fail(new DefinitionProblem(ProblemCodes.MalformedXml, null, null,
                $"The file is not well-formed XML: {ex.Message}", ex.LineNumber > 0 ? ex.LineNumber : null));
        }

        var root = document.Root!;
        if (root.Name != Bpmn + "definitions")
        {
            return Fail(new DefinitionProblem(ProblemCodes.NoProcess, null, root.Name.LocalName,
                $"The root element is '{root.Name.LocalName}' in '{root.Name.NamespaceName}'; a BPMN 2.0 file starts with 'definitions' in {Bpmn.NamespaceName}.",
                LineOf(root)));
        }

        var processes = root.Elements(Bpmn + "process").ToList();
        if (processes.Count == 0)
        {
            return Fail(new DefinitionProblem(ProblemCodes.NoProcess, null, "definitions", "The file contains no process.", LineOf(root)));
        }

        var executable = processes.Where(p => (string?)p.Attribute("isExecutable") != "false").ToList();
        if (executable.Count == 0)
        {
            return Fail(new DefinitionProblem(ProblemCodes.NoExecutableProcess, (string?)processes[0].Attribute("id"), "process",
                "No process is marked executable: set isExecutable=\"true\" on the process (in bpmn-js: the 'Executable' checkbox).",
                LineOf(processes[0])));
        }

        var messages = Named(root, "message", e => (string?)e.Attribute("name") ?? (string?)e.Attribute("id"));
        var errors = Named(root, "error", e => (string?)e.Attribute("errorCode"));
        var definitions = new List<ProcessDefinition>();
        var problems = new List<DefinitionProblem>();
        foreach (var process in executable)
        {
            var reader = new ProcessReader(process, messages, errors);
            var (nodes, flows) = reader.Read();
            problems.AddRange(reader.Problems);
            if (reader.Problems.Any(p => p.Code is ProblemCodes.DuplicateId or ProblemCodes.MissingId))
            {
                continue;
            }

            var id = (string?)process.Attribute("id") ?? "process";
            definitions.Add(ProcessDefinition.Create(new DefinitionKey(id, 0, Hash(process, root)), (string?)process.Attribute("name"), nodes, flows));
        }

        return new BpmnParseResult(definitions, problems);
    }

    internal static int? LineOf(XObject node) => node is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : null;

    private static BpmnParseResult Fail(DefinitionProblem problem) => new([], [problem]);

    private static Dictionary<string, string?> Named(XElement root, string localName, Func<XElement, string?> value)
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var element in root.Elements(Bpmn + localName))
        {
            if ((string?)element.Attribute("id") is { } id)
            {
                map[id] = value(element);
            }
        }

        return map;
    }

    /// <summary>SHA-256 of the process and the messages and errors of the file, without formatting or layout.</summary>
    private static string Hash(XElement process, XElement root)
    {
        var text = new StringBuilder(process.ToString(SaveOptions.DisableFormatting));
        foreach (var shared in root.Elements().Where(e => e.Name == Bpmn + "message" || e.Name == Bpmn + "error"))
        {
            text.Append(shared.ToString(SaveOptions.DisableFormatting));
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
