package dev.packbert.weights;

import java.util.List;
import java.util.Map;

/**
 * One ONNX NodeProto, reduced to what weight mapping needs: the wiring and the tensor/int
 * attributes (a Constant's value, a Reshape's shape constant, Transpose perm).
 */
public record OnnxNode(
    String name,
    String opType,
    List<String> inputs,
    List<String> outputs,
    Map<String, OnnxTensor> tensorAttributes,
    Map<String, long[]> intAttributes) {}
