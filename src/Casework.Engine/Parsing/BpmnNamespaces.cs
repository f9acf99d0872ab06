using System.Xml.Linq;

namespace Casework.Engine.Parsing;

/// <summary>The XML namespaces the parser understands; everything else is ignored.</summary>
public static class BpmnNamespaces
{
    public static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";

    /// <summary>Casework's own extension attributes (docs/bpmn-extensions.md), usually with the prefix <c>cw</c>.</summary>
    public static readonly XNamespace Cw = "urn:casework:bpmn";

    /// <summary>Camunda 7's extension namespace: the attributes that mean the same as Casework's are read too.</summary>
    public static readonly XNamespace Camunda = "http://camunda.org/schema/1.0/bpmn";

    public static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";
}
