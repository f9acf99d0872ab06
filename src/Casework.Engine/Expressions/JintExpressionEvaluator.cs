using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Acornima;
using Acornima.Ast;
using Jint;
using JsEngine = Jint.Engine;
using Jint.Native;
using Jint.Runtime;

namespace Casework.Engine.Expressions;

/// <summary>
/// JavaScript in Jint's sandbox: strict mode, no CLR access (no host objects but plain data), and limits on
/// statements, wall time, memory and recursion. Each distinct source is parsed once and the prepared script is
/// shared by every evaluation (Jint engines themselves are cheap and not thread-safe, so each call gets one).
/// </summary>
public sealed class JintExpressionEvaluator(ExpressionLimits? limits = null) : IExpressionEvaluator
{
    private readonly ExpressionLimits limits = limits ?? new ExpressionLimits();
    private readonly ConcurrentDictionary<(string Source, ExpressionKind Kind), Lazy<Compiled>> cache = new();
    private long parseCount;

    /// <summary>How many times a source was parsed (a test proves the cache with it).</summary>
    internal long ParseCount => Interlocked.Read(ref parseCount);

    public string? CheckSyntax(string source, ExpressionKind kind) => Compile(source, kind).Error;

    public ExpressionResult Evaluate(string source, ExpressionKind kind, ExpressionContext context)
    {
        var compiled = Compile(source, kind);
        if (compiled.Script is not { } script)
        {
            return ExpressionResult.Fail(ExpressionFailure.Syntax, compiled.Error!);
        }

        try
        {
            var engine = NewEngine();
            var vars = Load(engine, context);
            var value = engine.Evaluate(script);
            return kind switch
            {
                ExpressionKind.Condition => new ExpressionResult { Value = JsonSerializer.SerializeToElement(TypeConverter.ToBoolean(value)) },
                ExpressionKind.Value => ToJson(engine, value) is { } json
                    ? new ExpressionResult { Value = json }
                    : ExpressionResult.Fail(ExpressionFailure.Runtime, $"The expression's value ({value.Type}) cannot be stored as data."),
                _ => ScriptResult(engine, vars, value),
            };
        }
        catch (Exception ex)
        {
            return Failure(ex);
        }
    }

    private static ExpressionResult ScriptResult(JsEngine engine, JsValue vars, JsValue value)
    {
        var after = ToJson(engine, vars);
        if (after is not { ValueKind: JsonValueKind.Object } variables)
        {
            return ExpressionResult.Fail(ExpressionFailure.Runtime, "The script replaced 'vars' with something that is not an object.");
        }

        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in variables.EnumerateObject())
        {
            result[property.Name] = property.Value.Clone();
        }

        return new ExpressionResult
        {
            Value = ToJson(engine, value) ?? JsonSerializer.SerializeToElement<object?>(null),
            Variables = result,
        };
    }

    private JsEngine NewEngine() => new(options =>
    {
        options.Strict = true;
        options.LimitRecursion(limits.MaxRecursionDepth);
        options.MaxStatements(limits.MaxStatements);
        options.TimeoutInterval(limits.Timeout);
        options.LimitMemory(limits.MaxMemoryBytes);
        options.Interop.Enabled = false;
    });

    /// <summary>Variables become a plain JS object <c>vars</c>; each whose name is an identifier is also a global.</summary>
    private static JsValue Load(JsEngine engine, ExpressionContext context)
    {
        var json = JsonSerializer.Serialize(context.Variables, VariablesJsonContext.Default.IReadOnlyDictionaryStringJsonElement);
        var vars = new Jint.Native.Json.JsonParser(engine).Parse(json);
        engine.SetValue("vars", vars);
        engine.SetValue("now", context.Now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        foreach (var name in context.Variables.Keys)
        {
            if (IsIdentifier(name) && name is not ("vars" or "now"))
            {
                engine.SetValue(name, vars.Get(name));
            }
        }

        return vars;
    }

    private static JsonElement? ToJson(JsEngine engine, JsValue value)
    {
        if (value.IsUndefined() || value.IsNull())
        {
            return JsonSerializer.SerializeToElement<object?>(null);
        }

        var text = new Jint.Native.Json.JsonSerializer(engine).Serialize(value);
        if (text.IsUndefined())
        {
            return null;
        }

        using var document = JsonDocument.Parse(text.AsString());
        return document.RootElement.Clone();
    }

    private Compiled Compile(string source, ExpressionKind kind)
    {
        if (cache.TryGetValue((source, kind), out var known))
        {
            return known.Value;
        }

        if (cache.Count >= limits.MaxCachedScripts)
        {
            cache.Clear();
        }

        // Lazy makes racing threads share one parse.
        return cache.GetOrAdd((source, kind),
            static (key, self) => new Lazy<Compiled>(() => self.Parse(key.Source, key.Kind), LazyThreadSafetyMode.ExecutionAndPublication),
            this).Value;
    }

    private Compiled Parse(string source, ExpressionKind kind)
    {
        Interlocked.Increment(ref parseCount);
        try
        {
            if (kind != ExpressionKind.Script)
            {
                // An expression must be exactly one expression: no statements smuggled in.
                new Parser(new ParserOptions { AllowReturnOutsideFunction = false }).ParseExpression(source);
            }

            return new Compiled(JsEngine.PrepareScript(kind == ExpressionKind.Script ? source : $"({source}\n)", strict: true), null);
        }
        catch (ParseErrorException ex)
        {
            return new Compiled(null, $"Syntax error at line {ex.LineNumber}, column {ex.Column}: {ex.Description}");
        }
        catch (ScriptPreparationException ex) when (ex.InnerException is ParseErrorException parse)
        {
            return new Compiled(null, $"Syntax error at line {parse.LineNumber}, column {parse.Column}: {parse.Description}");
        }
        catch (Exception ex) when (ex is JavaScriptException or ArgumentException)
        {
            return new Compiled(null, "Syntax error: " + ex.Message);
        }
    }

    private static ExpressionResult Failure(Exception ex) => ex switch
    {
        StatementsCountOverflowException => ExpressionResult.Fail(ExpressionFailure.StatementLimit, "The script ran too many statements (endless loop?)."),
        TimeoutException => ExpressionResult.Fail(ExpressionFailure.Timeout, "The script ran too long and was stopped."),
        MemoryLimitExceededException => ExpressionResult.Fail(ExpressionFailure.MemoryLimit, "The script used too much memory and was stopped."),
        RecursionDepthOverflowException => ExpressionResult.Fail(ExpressionFailure.RecursionLimit, "The script recursed too deeply and was stopped."),
        InsufficientExecutionStackException => ExpressionResult.Fail(ExpressionFailure.RecursionLimit, "The script recursed too deeply and was stopped."),
        JavaScriptException js => ExpressionResult.Fail(ExpressionFailure.Runtime, js.Message),
        ParseErrorException parse => ExpressionResult.Fail(ExpressionFailure.Syntax, parse.Message),
        OutOfMemoryException => ExpressionResult.Fail(ExpressionFailure.MemoryLimit, "The script used too much memory and was stopped."),
        _ => ExpressionResult.Fail(ExpressionFailure.Runtime, $"{ex.GetType().Name}: {ex.Message}"),
    };

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] is '_' or '$') && name.All(c => char.IsLetterOrDigit(c) || c is '_' or '$');

    private sealed record Compiled(Prepared<Script>? Script, string? Error);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyDictionary<string, JsonElement>))]
internal sealed partial class VariablesJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
