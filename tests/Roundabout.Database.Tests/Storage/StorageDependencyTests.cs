using System.Reflection;
using System.Reflection.Emit;
using Roundabout.Database.Storage;

namespace Roundabout.Database.Tests.Storage;

/// <summary>
/// The database's layers depend one way: the engine uses the log, the log never uses the engine
/// (it says when a snapshot is due, and the engine pushes one). Checked on the compiled assembly,
/// down to the instructions of every method body, so a reference in code is caught as well as
/// one in a signature.
/// </summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class StorageDependencyTests
{
    private const string StorageNamespace = "Roundabout.Database.Storage";
    private const string EngineNamespace = "Roundabout.Database.Engine";

    private static readonly Dictionary<short, OpCode> _opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    [Fact]
    public void Storage_ReferencesNoEngineType()
    {
        var references = ReferencesFrom(type => type.Namespace == StorageNamespace)
            .Where(pair => pair.To.Namespace == EngineNamespace)
            .Select(pair => $"{pair.From.FullName} -> {pair.To.FullName}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.True(references.Length == 0, "Storage must not depend on Engine: " + string.Join(", ", references));
    }

    [Fact]
    public void ReferenceScan_SeesATypeUsedOnlyInsideAMethodBody()
    {
        // DatabaseHost names MemoryLog only in `new MemoryLog()`: no field, parameter or return has that type.
        var references = ReferencesFrom(type => type == typeof(DatabaseHost)).Select(pair => pair.To);

        Assert.Contains(typeof(MemoryLog), references);
    }

    /// <summary>Every type that the types chosen by <paramref name="from"/> (nested and generated ones included) refer to.</summary>
    private static IEnumerable<(Type From, Type To)> ReferencesFrom(Func<Type, bool> from)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in typeof(DatabaseHost).Assembly.GetTypes().Where(t => from(t) || (t.DeclaringType is { } outer && from(Outermost(outer)))))
        {
            var direct = new List<Type?> { type.BaseType };
            direct.AddRange(type.GetInterfaces());
            direct.AddRange(type.GetFields(All).Select(f => f.FieldType));
            direct.AddRange(type.GetProperties(All).Select(p => p.PropertyType));
            direct.AddRange(type.GetEvents(All).Select(e => e.EventHandlerType));
            foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
            {
                direct.AddRange(method.GetParameters().Select(p => p.ParameterType));
                if (method is MethodInfo info)
                {
                    direct.Add(info.ReturnType);
                }

                direct.AddRange(BodyReferences(method));
            }

            foreach (var referenced in direct.SelectMany(Expand))
            {
                yield return (type, referenced);
            }
        }
    }

    private static Type Outermost(Type type) => type.DeclaringType is { } outer ? Outermost(outer) : type;

    /// <summary>The types of a method's locals and of every type, field and method its instructions name.</summary>
    private static IEnumerable<Type?> BodyReferences(MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body is null)
        {
            yield break;
        }

        foreach (var local in body.LocalVariables)
        {
            yield return local.LocalType;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var il = body.GetILAsByteArray() ?? [];
        var at = 0;
        while (at < il.Length)
        {
            var value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var code = _opCodes[value];
            if (code.OperandType is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok)
            {
                var member = method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments);
                foreach (var type in MemberTypes(member))
                {
                    yield return type;
                }
            }

            at += OperandSize(code.OperandType, il, at);
        }
    }

    private static IEnumerable<Type?> MemberTypes(MemberInfo? member)
    {
        switch (member)
        {
            case Type type:
                yield return type;
                break;
            case FieldInfo field:
                yield return field.DeclaringType;
                yield return field.FieldType;
                break;
            case MethodBase method:
                yield return method.DeclaringType;
                foreach (var parameter in method.GetParameters())
                {
                    yield return parameter.ParameterType;
                }

                if (method is MethodInfo info)
                {
                    yield return info.ReturnType;
                    if (info.IsGenericMethod)
                    {
                        foreach (var argument in info.GetGenericArguments())
                        {
                            yield return argument;
                        }
                    }
                }

                break;
        }
    }

    private static int OperandSize(OperandType operand, byte[] il, int at) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };

    /// <summary>A type and what it is made of: element types, generic definitions and arguments.</summary>
    private static IEnumerable<Type> Expand(Type? type)
    {
        if (type is null)
        {
            yield break;
        }

        yield return type;
        if (type.HasElementType)
        {
            foreach (var inner in Expand(type.GetElementType()))
            {
                yield return inner;
            }
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            foreach (var inner in type.GetGenericArguments().Append(type.GetGenericTypeDefinition()).SelectMany(Expand))
            {
                yield return inner;
            }
        }
    }
}
