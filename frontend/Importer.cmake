# The MLIR half of the frontend: ModelSpec -> dlc dialect. Included by
# frontend/CMakeLists.txt when the compiler is built.
add_mlir_library(DlcImporter
  ${CMAKE_CURRENT_SOURCE_DIR}/lib/Importer.cpp

  LINK_LIBS PUBLIC DlcDialect DlcFrontendJson MLIR
)
