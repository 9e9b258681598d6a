//===- SourcePlace.cpp - Where in the .nn source an op came from ----------===//

#include "nnc/Transforms/SourcePlace.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"
#include <vector>

using namespace mlir;

std::string nnc::describeSourcePlace(Location loc) {
  std::vector<std::string> places;
  bool backward = false;
  loc->walk([&](Location l) {
    if (auto name = dyn_cast<NameLoc>(l))
      backward |= name.getName() == "backward";
    if (auto file = dyn_cast<FileLineColLoc>(l)) {
      std::string place = (file.getFilename().str() + ":" +
                           std::to_string(file.getLine()) + ":" +
                           std::to_string(file.getColumn()));
      if (!llvm::is_contained(places, place))
        places.push_back(place);
    }
    return WalkResult::advance();
  });
  std::string text = places.empty() ? "an unknown place" : places[0];
  for (size_t i = 1; i < places.size(); ++i)
    text += (i + 1 == places.size() ? " or " : ", ") + places[i];
  return backward ? text + " (backward)" : text;
}
