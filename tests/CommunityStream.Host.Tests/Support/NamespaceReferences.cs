using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace CommunityStream.Host.Tests.Support;

/// <summary>
/// Which of an assembly's own types each of its types uses, read from the compiled metadata
/// (System.Reflection.Metadata): base type and interfaces, the signatures of fields, methods and properties, generic
/// constraints, attributes, and every type, method or field token in method bodies (so a local, a <c>typeof</c>, a
/// lambda or an async state machine counts). Compiler-generated nested types belong to the type that declares them.
/// </summary>
internal sealed class NamespaceReferences
{
    // Operand sizes of every IL opcode, from the runtime's own OpCodes table.
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    private readonly MetadataReader _reader;
    private readonly PEReader _pe;
    private readonly TypeCollector _collector = new();

    private NamespaceReferences(PEReader pe)
    {
        _pe = pe;
        _reader = pe.GetMetadataReader();
    }

    /// <summary>
    /// Every use of a type in namespace <paramref name="to"/> (or below it) by a type in namespace
    /// <paramref name="from"/> (or below it), as "From.Type -> To.Type"; and how many types <paramref name="from"/> has.
    /// </summary>
    public static (int TypesInFrom, IReadOnlyList<string> References) Find(Assembly assembly, string from, string to)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        return new NamespaceReferences(pe).Find(from, to);
    }

    private (int, IReadOnlyList<string>) Find(string from, string to)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var types = 0;
        foreach (var handle in _reader.TypeDefinitions)
        {
            if (!IsIn(NamespaceOf(handle), from))
            {
                continue;
            }
            if (_reader.GetTypeDefinition(handle).GetDeclaringType().IsNil)
            {
                types++;
            }
            foreach (var used in UsedBy(handle))
            {
                if (IsIn(NamespaceOf(used), to))
                {
                    found.Add($"{FullName(handle)} -> {FullName(used)}");
                }
            }
        }
        return (types, [.. found]);
    }

    private static bool IsIn(string ns, string prefix) =>
        ns == prefix || ns.StartsWith(prefix + ".", StringComparison.Ordinal);

    // A nested type (a closure, a state machine, a nested record) is in its outermost declaring type's namespace.
    private string NamespaceOf(TypeDefinitionHandle handle)
    {
        var type = _reader.GetTypeDefinition(handle);
        while (!type.GetDeclaringType().IsNil)
        {
            type = _reader.GetTypeDefinition(type.GetDeclaringType());
        }
        return _reader.GetString(type.Namespace);
    }

    private string FullName(TypeDefinitionHandle handle)
    {
        var type = _reader.GetTypeDefinition(handle);
        var name = _reader.GetString(type.Name);
        return type.GetDeclaringType().IsNil
            ? $"{_reader.GetString(type.Namespace)}.{name}"
            : $"{FullName(type.GetDeclaringType())}+{name}";
    }

    private HashSet<TypeDefinitionHandle> UsedBy(TypeDefinitionHandle handle)
    {
        var used = new HashSet<TypeDefinitionHandle>();
        var type = _reader.GetTypeDefinition(handle);
        AddEntity(used, type.BaseType);
        foreach (var implementation in type.GetInterfaceImplementations())
        {
            AddEntity(used, _reader.GetInterfaceImplementation(implementation).Interface);
        }
        AddAttributes(used, type.GetCustomAttributes());
        AddGenericParameters(used, type.GetGenericParameters());
        foreach (var fieldHandle in type.GetFields())
        {
            var field = _reader.GetFieldDefinition(fieldHandle);
            used.UnionWith(field.DecodeSignature(_collector, null));
            AddAttributes(used, field.GetCustomAttributes());
        }
        foreach (var propertyHandle in type.GetProperties())
        {
            var property = _reader.GetPropertyDefinition(propertyHandle);
            AddSignature(used, property.DecodeSignature(_collector, null));
            AddAttributes(used, property.GetCustomAttributes());
        }
        foreach (var methodHandle in type.GetMethods())
        {
            var method = _reader.GetMethodDefinition(methodHandle);
            AddSignature(used, method.DecodeSignature(_collector, null));
            AddAttributes(used, method.GetCustomAttributes());
            AddGenericParameters(used, method.GetGenericParameters());
            if (method.RelativeVirtualAddress != 0)
            {
                AddBody(used, _pe.GetMethodBody(method.RelativeVirtualAddress));
            }
        }
        return used;
    }

    private void AddBody(HashSet<TypeDefinitionHandle> used, MethodBodyBlock body)
    {
        if (!body.LocalSignature.IsNil)
        {
            used.UnionWith(_reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(_collector, null).SelectMany(local => local));
        }
        foreach (var region in body.ExceptionRegions)
        {
            AddEntity(used, region.CatchType);
        }
        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il.ReadByte());
            }
            var code = OpCodesByValue[value];
            switch (code.OperandType)
            {
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                case OperandType.InlineSig:
                    AddEntity(used, MetadataTokens.EntityHandle(il.ReadInt32()));
                    break;
                case OperandType.InlineSwitch:
                    il.Offset += 4 * il.ReadInt32();
                    break;
                default:
                    il.Offset += OperandSize(code.OperandType);
                    break;
            }
        }
    }

    private static int OperandSize(OperandType operand) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };

    private void AddEntity(HashSet<TypeDefinitionHandle> used, EntityHandle handle)
    {
        if (handle.IsNil)
        {
            return;
        }
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                used.Add((TypeDefinitionHandle)handle);
                break;
            case HandleKind.TypeSpecification:
                used.UnionWith(_reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(_collector, null));
                break;
            case HandleKind.FieldDefinition:
                var field = _reader.GetFieldDefinition((FieldDefinitionHandle)handle);
                used.Add(field.GetDeclaringType());
                used.UnionWith(field.DecodeSignature(_collector, null));
                break;
            case HandleKind.MethodDefinition:
                var method = _reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                used.Add(method.GetDeclaringType());
                AddSignature(used, method.DecodeSignature(_collector, null));
                break;
            case HandleKind.MemberReference:
                var member = _reader.GetMemberReference((MemberReferenceHandle)handle);
                AddEntity(used, member.Parent);
                if (member.GetKind() == MemberReferenceKind.Field)
                {
                    used.UnionWith(member.DecodeFieldSignature(_collector, null));
                }
                else
                {
                    AddSignature(used, member.DecodeMethodSignature(_collector, null));
                }
                break;
            case HandleKind.MethodSpecification:
                var specification = _reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                AddEntity(used, specification.Method);
                used.UnionWith(specification.DecodeSignature(_collector, null).SelectMany(argument => argument));
                break;
            case HandleKind.StandaloneSignature:
                var signature = _reader.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                if (signature.GetKind() == StandaloneSignatureKind.Method)
                {
                    AddSignature(used, signature.DecodeMethodSignature(_collector, null));
                }
                break;
            default:
                // A TypeReference is another assembly's type: never one of this assembly's namespaces.
                break;
        }
    }

    private static void AddSignature(HashSet<TypeDefinitionHandle> used, MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature)
    {
        used.UnionWith(signature.ReturnType);
        used.UnionWith(signature.ParameterTypes.SelectMany(parameter => parameter));
    }

    private void AddAttributes(HashSet<TypeDefinitionHandle> used, CustomAttributeHandleCollection attributes)
    {
        foreach (var attribute in attributes)
        {
            AddEntity(used, _reader.GetCustomAttribute(attribute).Constructor);
        }
    }

    private void AddGenericParameters(HashSet<TypeDefinitionHandle> used, GenericParameterHandleCollection parameters)
    {
        foreach (var parameter in parameters)
        {
            foreach (var constraint in _reader.GetGenericParameter(parameter).GetConstraints())
            {
                AddEntity(used, _reader.GetGenericParameterConstraint(constraint).Type);
            }
        }
    }

    // Decodes a signature into the assembly's own types it names (type arguments, array elements and all).
    private sealed class TypeCollector : ISignatureTypeProvider<ImmutableArray<TypeDefinitionHandle>, object?>
    {
        public ImmutableArray<TypeDefinitionHandle> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => [handle];

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => [];

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public ImmutableArray<TypeDefinitionHandle> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];

        public ImmutableArray<TypeDefinitionHandle> GetGenericInstantiation(ImmutableArray<TypeDefinitionHandle> genericType, ImmutableArray<ImmutableArray<TypeDefinitionHandle>> typeArguments) =>
            [.. genericType, .. typeArguments.SelectMany(argument => argument)];

        public ImmutableArray<TypeDefinitionHandle> GetArrayType(ImmutableArray<TypeDefinitionHandle> elementType, ArrayShape shape) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetSZArrayType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetByReferenceType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetPointerType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetPinnedType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetModifiedType(ImmutableArray<TypeDefinitionHandle> modifier, ImmutableArray<TypeDefinitionHandle> unmodifiedType, bool isRequired) =>
            [.. modifier, .. unmodifiedType];

        public ImmutableArray<TypeDefinitionHandle> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature) =>
            [.. signature.ReturnType, .. signature.ParameterTypes.SelectMany(parameter => parameter)];

        public ImmutableArray<TypeDefinitionHandle> GetGenericMethodParameter(object? genericContext, int index) => [];

        public ImmutableArray<TypeDefinitionHandle> GetGenericTypeParameter(object? genericContext, int index) => [];
    }
}
