//===- DlcAttentionOps.cpp - shape rules of the DlcAttentionOps -------------------===//
//
// Shape rules (inferReturnTypes) and verifiers of the ops in DlcAttentionOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dlc;

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

double AttentionOp::getScaleOrDefault() {
  if (FloatAttr s = getScaleAttr())
    return s.getValueAsDouble();
  return 1.0 / std::sqrt(static_cast<double>(getQ().getType().getDimSize(3)));
}

LogicalResult AttentionOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  auto q = cast<RankedTensorType>(adaptor.getQ().getType());
  auto k = cast<RankedTensorType>(adaptor.getK().getType());
  auto v = cast<RankedTensorType>(adaptor.getV().getType());
  Type element = q.getElementType();
  for (auto [name, t] : {std::pair<StringRef, RankedTensorType>{"K", k}, {"V", v}})
    if (t.getElementType() != element)
      return emitOptionalError(loc, name, " has element type ", t.getElementType(),
                               ", Q has ", element);
  if (q.getRank() != 4 || k.getRank() != 4 || v.getRank() != 4)
    return emitOptionalError(loc, "Q, K and V must be 4-D [B, H, S, D], got ",
                             formatShape(q.getShape()), ", ", formatShape(k.getShape()),
                             " and ", formatShape(v.getShape()));
  int64_t b = q.getDimSize(0), h = q.getDimSize(1), sq = q.getDimSize(2),
          d = q.getDimSize(3), sk = k.getDimSize(2), dv = v.getDimSize(3);
  if (k.getDimSize(0) != b || k.getDimSize(1) != h || v.getDimSize(0) != b ||
      v.getDimSize(1) != h)
    return emitOptionalError(loc, "Q, K and V must have the same batch and head dimensions [",
                             b, ", ", h, ", ...], got ", formatShape(q.getShape()), ", ",
                             formatShape(k.getShape()), " and ", formatShape(v.getShape()));
  if (k.getDimSize(3) != d)
    return emitOptionalError(loc, "Q ", formatShape(q.getShape()), " and K ",
                             formatShape(k.getShape()), " differ in the head size D (", d,
                             " vs ", k.getDimSize(3), ")");
  if (v.getDimSize(2) != sk)
    return emitOptionalError(loc, "K ", formatShape(k.getShape()), " and V ",
                             formatShape(v.getShape()), " differ in the key length Sk (", sk,
                             " vs ", v.getDimSize(2), ")");
  if (FloatAttr s = adaptor.getScaleAttr(); s && !std::isfinite(s.getValueAsDouble()))
    return emitOptionalError(loc, "scale must be finite, got ", s.getValueAsDouble());
  if (Value mask = adaptor.getMask()) {
    auto m = cast<RankedTensorType>(mask.getType());
    if (m.getElementType() != element)
      return emitOptionalError(loc, "mask has element type ", m.getElementType(), ", Q has ",
                               element);
    SmallVector<int64_t> scores{b, h, sq, sk};
    FailureOr<SmallVector<int64_t>> bc = broadcastShapes(m.getShape(), scores);
    if (m.getRank() > 4 || failed(bc) || ArrayRef<int64_t>(*bc) != ArrayRef(scores))
      return emitOptionalError(loc, "mask of shape ", formatShape(m.getShape()),
                               " does not broadcast to the scores [B, H, Sq, Sk] = ",
                               formatShape(scores));
  }
  results.push_back(RankedTensorType::get({b, h, sq, dv}, element));
  return success();
}
